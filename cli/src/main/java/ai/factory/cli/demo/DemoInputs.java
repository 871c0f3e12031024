package ai.factory.cli.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import ai.factory.ingest.job.IngestOptions;
import ai.factory.ingest.spec.FeatureSpec;
import ai.factory.ingest.spec.FeatureSpecParser;
import ai.factory.init.StarterFiles;
import ai.factory.replay.Mapping;

/**
 * What a demo replays and how: the data file, its mapping and its feature spec, from the options given. Without
 * {@code --data} it is the flights sample with the flights mapping and spec; with {@code --data FILE} alone, the
 * mapping and spec that {@code factory init} wrote beside FILE; anything named explicitly wins.
 *
 * @param how one line saying which files are used and where they came from
 */
public record DemoInputs(Path data, Path mappingFile, Mapping mapping, String specLocation, FeatureSpec spec, String how) {

    /** Resolves the inputs; fails with what to do when a file is missing. */
    public static DemoInputs resolve(Path home, Path data, Path mapping, String spec) {
        Path dataFile = data != null ? data : home.resolve("data/flights-200k.csv.gz");
        if (!Files.isReadable(dataFile)) {
            throw new IllegalArgumentException("cannot read data file " + dataFile);
        }
        Path mappingFile = mapping;
        String specLocation = spec;
        String source = "as given";
        if (data == null) {
            mappingFile = mappingFile != null ? mappingFile : home.resolve("data/flights.mapping.json");
            specLocation = specLocation != null ? specLocation : IngestOptions.DEFAULT_SPEC;
            source = "the flights sample";
        } else if (mappingFile == null || specLocation == null) {
            Optional<StarterFiles> written = StarterFiles.besides(dataFile);
            if (written.isEmpty()) {
                StarterFiles expected = StarterFiles.of(dataFile, null);
                throw new IllegalArgumentException("no mapping and spec for " + dataFile + " (looked for "
                        + expected.mapping() + " and " + expected.spec() + "): run `factory init --data " + dataFile
                        + "` first, or give --mapping and --spec");
            }
            mappingFile = mappingFile != null ? mappingFile : written.get().mapping();
            specLocation = specLocation != null ? specLocation : written.get().spec().toString();
            source = "written by factory init beside the data";
        }
        Mapping map = Mapping.read(mappingFile);
        if (!map.hasLabel()) {
            throw new IllegalArgumentException("mapping " + mappingFile + " has no label: the loop needs labels to learn");
        }
        FeatureSpec featureSpec = FeatureSpecParser.load(specLocation);
        String how = "mapping " + mappingFile + " and spec " + specLocation + " (" + source + "): model "
                + featureSpec.model().name() + ", " + featureSpec.model().task() + ", spec " + featureSpec.label();
        return new DemoInputs(dataFile, mappingFile, map, specLocation, featureSpec, how);
    }
}
