package ai.factory.init;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where {@code factory init} writes a data file's mapping and spec, and where {@code factory demo} looks for them:
 * {@code STEM.mapping.json} and {@code STEM.spec.json} beside {@code STEM.csv.gz} (or in a chosen folder).
 */
public record StarterFiles(Path mapping, Path spec, boolean nextToData) {

    private static final ObjectMapper JSON = new ObjectMapper();

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
        Files.writeString(spec, specText(result.spec()));
    }

    /**
     * The spec as people read one: a line per setting, per attribute and per feature (as the shipped flights spec is
     * written), so that a feature is changed or removed by editing one line.
     */
    static String specText(ObjectNode spec) {
        StringBuilder out = new StringBuilder("{\n");
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(spec.properties());
        for (int i = 0; i < fields.size(); i++) {
            String key = fields.get(i).getKey();
            JsonNode value = fields.get(i).getValue();
            out.append("  ").append(JSON.valueToTree(key).toString()).append(": ");
            if (value.isArray() && !value.isEmpty()) {
                out.append("[\n");
                for (int j = 0; j < value.size(); j++) {
                    out.append("    ").append(inline(value.get(j))).append(j + 1 < value.size() ? ",\n" : "\n");
                }
                out.append("  ]");
            } else if (key.equals("attributes") && !value.isEmpty()) {
                out.append("{\n");
                List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(value.properties());
                for (int j = 0; j < entries.size(); j++) {
                    out.append("    ").append(JSON.valueToTree(entries.get(j).getKey()).toString()).append(": ")
                            .append(inline(entries.get(j).getValue())).append(j + 1 < entries.size() ? ",\n" : "\n");
                }
                out.append("  }");
            } else {
                out.append(inline(value));
            }
            out.append(i + 1 < fields.size() ? ",\n" : "\n");
        }
        return out.append("}\n").toString();
    }

    /** One line of JSON with a space after each colon and comma. */
    private static String inline(JsonNode node) {
        if (node.isObject()) {
            List<String> parts = new ArrayList<>();
            node.properties().forEach(e -> parts.add(JSON.valueToTree(e.getKey()).toString() + ": " + inline(e.getValue())));
            return "{" + String.join(", ", parts) + "}";
        }
        if (node.isArray()) {
            List<String> parts = new ArrayList<>();
            node.forEach(n -> parts.add(inline(n)));
            return "[" + String.join(", ", parts) + "]";
        }
        return node.toString();
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
