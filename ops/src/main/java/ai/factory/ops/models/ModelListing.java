package ai.factory.ops.models;

import java.util.List;

/**
 * A bounded view of the models topic for what each refresh follows (freshness, gauges): the newest versions of each
 * model plus its champion, and each model's totals, so what is followed and published per refresh does not grow with
 * the number of releases. The dashboard's first screen is {@link ModelOverview}.
 *
 * @param versions  newest first within each model name, champions marked; the champion last when it is older than
 *                  the newest {@code perModel}
 * @param models    one summary per model name
 * @param perModel  how many of the newest versions of each model are listed
 */
public record ModelListing(List<ModelVersionView> versions, List<Model> models, int perModel) {

    /**
     * @param total     versions known of this model
     * @param listed    versions of it in {@link #versions()}
     * @param newest    its highest version
     * @param champion  its champion's version, null when it has none
     */
    public record Model(String name, int total, int listed, long newest, Long champion) {
    }

    public ModelListing {
        versions = List.copyOf(versions);
        models = List.copyOf(models);
    }

    /** Versions known over all models, listed or not. */
    public int total() {
        return models.stream().mapToInt(Model::total).sum();
    }
}
