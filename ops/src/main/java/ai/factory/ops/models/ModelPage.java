package ai.factory.ops.models;

import java.util.List;

/**
 * One page of every release of a model, newest version first: the full list, behind paging.
 *
 * @param page  0-based
 * @param total releases known of the model; the pages are {@code ceil(total / size)}
 */
public record ModelPage(String name, int page, int size, int total, List<ModelVersionView> versions) {

    public ModelPage {
        versions = List.copyOf(versions);
    }
}
