package ai.factory.init;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Where {@code factory init} writes a data file's mapping and spec, and where {@code factory demo} looks for them:
 * {@code STEM.mapping.json} and {@code STEM.spec.json} beside {@code STEM.csv.gz} (or in a chosen folder).
 */
public record StarterFiles(Path mapping, Path spec, boolean nextToData) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The files for {@code data}, in {@code dir} (null: the data file's folder). */
    public static StarterFiles of(Path data, Path dir) {
        Path folder = dir != null ? dir : folderOf(data);
        String stem = stem(data.getFileName().toString());
        return new StarterFiles(folder.resolve(stem + ".mapping.json"), folder.resolve(stem + ".spec.json"), dir == null);
    }

    /** The files beside {@code data} when both exist. */
    public static Optional<StarterFiles> besides(Path data) {
        StarterFiles files = of(data, null);
        return Files.isRegularFile(files.mapping()) && Files.isRegularFile(files.spec()) ? Optional.of(files) : Optional.empty();
    }

    /** Fails, naming them, when the files exist already. */
    public void refuseToOverwrite() {
        for (Path p : new Path[] {mapping, spec}) {
            if (Files.exists(p)) {
                throw new IllegalArgumentException(p + " exists; edit it, remove it, or run again with --force");
            }
        }
    }

    /** Writes both files (creating the folder). */
    public void write(Inference.Result result) throws IOException {
        Files.createDirectories(mapping.toAbsolutePath().getParent());
        result.mapping().write(mapping);
        Files.writeString(spec, JSON.writeValueAsString(result.spec()) + System.lineSeparator());
    }

    private static Path folderOf(Path data) {
        return data.getParent() == null ? Path.of("") : data.getParent();
    }

    static String stem(String fileName) {
        String name = fileName;
        if (name.toLowerCase(Locale.ROOT).endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
