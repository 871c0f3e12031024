package ai.factory.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import ai.factory.ingest.job.IngestOptions;
import ai.factory.kafka.KafkaConnection;
import ai.factory.options.KafkaOptions;
import ai.factory.ops.models.ModelBook;
import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseStatus;
import ai.factory.release.ReleaseFacts;
import ai.factory.release.ReleaseLedger;
import ai.factory.serde.SchemaRegistryAddress;
import ai.factory.serde.SchemaRegistry;
import ai.factory.trainer.imported.ModelImport;
import ai.factory.trainer.job.ModelInput;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelGraphs;
import ai.factory.trainer.model.OnnxWeights;
import ai.factory.trainer.release.ModelCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code factory models}: lists model releases and promotes, rolls back, resumes the training of or imports them. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Lists the model releases on the models topic and controls which one is champion.",
        subcommands = {ModelsCommand.ListReleases.class, ModelsCommand.Promote.class, ModelsCommand.Rollback.class,
                ModelsCommand.Resume.class, ModelsCommand.Import.class})
final class ModelsCommand {

    /** Opens the catalog of the factory's models topic; says on standard error how many records it could not read. */
    static <T> T withCatalog(KafkaOptions kafka, CommandSpec spec, java.util.function.Function<ModelCatalog, T> action) {
        KafkaConnection connection = kafka.connection();
        try (SchemaRegistry registry = SchemaRegistryAddress.kafka(connection, kafka.topics().schemas()).open();
             ModelCatalog catalog = new ModelCatalog(connection, kafka.topics().models(), registry)) {
            T result = action.apply(catalog);
            if (catalog.skipped() > 0) {
                spec.commandLine().getErr().println("warning: skipped " + catalog.skipped()
                        + " record(s) of " + kafka.topics().models() + " that could not be decoded (see the log)");
            }
            return result;
        }
    }

    static void print(PrintWriter out, List<ModelRelease> releases) {
        out.printf("%-16s %7s %7s  %-11s %-9s %12s %10s %10s  %s%n", "MODEL", "VERSION", "PARENT", "STATUS", "BY",
                "EXAMPLES", "TRAIN_LOSS", "HOLDOUT", "REASON");
        for (ModelRelease r : releases) {
            Double train = r.getMetrics().get("training_loss");
            Double holdout = r.getMetrics().get("holdout_loss");
            out.printf("%-16s %7d %7s  %-11s %-9s %,12d %10s %10s  %s%n", r.getModelName(), r.getVersion(),
                    r.getParentVersion() == null ? "-" : r.getParentVersion().toString(), r.getStatus(), r.getStatusBy(),
                    r.getExamplesTrained(), train == null ? "-" : String.format("%.4f", train),
                    holdout == null ? "-" : String.format("%.4f", holdout), r.getStatusReason());
        }
    }

    /**
     * Prints each model's first screen, as the ops dashboard shows it: the champion, its lineage and the latest
     * decisions (status, who, why), with counts by status. Bounded whatever the number of releases.
     */
    static void printOverview(PrintWriter out, ReleaseLedger ledger, List<String> models) {
        if (models.isEmpty()) {
            out.println("no releases");
        }
        for (String model : models) {
            Map<ReleaseStatus, Integer> counts = ledger.statusCounts(model);
            int total = counts.values().stream().mapToInt(Integer::intValue).sum();
            var champion = ledger.champion(model);
            out.printf("%s: %s, %d release(s), newest v%d%n", model, champion.map(c -> "champion v" + c.version()
                    + " (spec " + c.spec() + ")").orElse("no champion"), total, ledger.latestVersion(model));
            StringBuilder byStatus = new StringBuilder();
            for (ReleaseStatus status : List.of(ReleaseStatus.CANDIDATE, ReleaseStatus.CHAMPION, ReleaseStatus.REJECTED,
                    ReleaseStatus.ROLLED_BACK, ReleaseStatus.RETIRED, ReleaseStatus.UNKNOWN)) {
                if (counts.getOrDefault(status, 0) > 0) {
                    byStatus.append(byStatus.isEmpty() ? "" : ", ").append(counts.get(status)).append(' ').append(status);
                }
            }
            out.println("  by latest status: " + byStatus);
            List<ReleaseFacts> lineage = champion.map(c -> ledger.lineage(model, c.spec(), ModelBook.LINEAGE)).orElse(List.of());
            out.println("  LINEAGE (the champion, then its parent, grandparent ...; at most " + ModelBook.LINEAGE + ")");
            printFacts(out, lineage);
            out.println("  LATEST DECISIONS (each release's latest record, newest first; at most " + ModelBook.DECISIONS + ")");
            printFacts(out, ledger.recentDecisions(model, ModelBook.DECISIONS));
        }
    }

    private static void printFacts(PrintWriter out, List<ReleaseFacts> releases) {
        if (releases.isEmpty()) {
            out.println("    (none)");
            return;
        }
        out.printf("    %7s %7s  %-11s %-9s  %s%n", "VERSION", "PARENT", "STATUS", "BY", "REASON");
        for (ReleaseFacts r : releases) {
            out.printf("    %7d %7s  %-11s %-9s  %s%n", r.version(), r.parentVersion() == null ? "-" : r.parentVersion().toString(),
                    r.status(), r.actor(), r.reason());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Shows each model's champion, its lineage (parent by parent, at most " + ModelBook.LINEAGE
                    + ") and its latest decisions (at most " + ModelBook.DECISIONS + ", newest first: status, who gave it"
                    + " - TRAINER, OPERATOR or AUTOMATIC - and why; a roll back shows as ROLLED_BACK), with counts by status.",
                    "With --all, every release instead (the latest state of each version), by model and version."})
    static final class ListReleases implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "Only this model (default: every model).")
        String model;

        @Option(names = "--all", description = "List every release, not just the champion's lineage and the latest decisions.")
        boolean all;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (all) {
                print(out, withCatalog(kafka, spec, c -> model == null ? c.releases() : c.releases(model)));
            } else {
                ReleaseLedger ledger = withCatalog(kafka, spec, ModelCatalog::ledger);
                if (model != null && !ledger.models().contains(model)) {
                    out.println("no releases of " + model);
                } else {
                    printOverview(out, ledger, model == null ? List.copyOf(ledger.models()) : List.of(model));
                }
            }
            return 0;
        }
    }

    /** What promote, rollback and resume share: the cluster, the model, and why, kept with the record they write. */
    abstract static class ModelMove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Parameters(index = "0", paramLabel = "MODEL")
        String model;

        @Option(names = "--reason", defaultValue = "", paramLabel = "TEXT", description = "Why (kept with the record written).")
        String reason;

        void say(String line) {
            spec.commandLine().getOut().println(line);
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true, description = "Makes a release the champion (republishes it as CHAMPION); a rejected one is refused.")
    static final class Promote extends ModelMove {
        @Parameters(index = "1", paramLabel = "VERSION")
        long version;

        @Override
        public Integer call() {
            ModelRelease r = withCatalog(kafka, spec, c -> c.promote(model, version, reason));
            say("champion of " + model + " is now version " + r.getVersion());
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Republishes the champion as ROLLED_BACK, so the previous champion serves again; the only champion is kept.")
    static final class Rollback extends ModelMove {
        @Override
        public Integer call() {
            var now = withCatalog(kafka, spec, c -> c.rollback(model, reason));
            say(now.map(r -> "champion of " + model + " is now version " + r.getVersion()).orElse(model + " has no champion now"));
            return 0;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Tells a trainer run with --after-operator hold, which stopped publishing after an operator's "
                    + "promotion or rollback, to publish again (re-records the champion; serving does not change).")
    static final class Resume extends ModelMove {
        @Override
        public Integer call() {
            ModelRelease r = withCatalog(kafka, spec, c -> c.resume(model, reason));
            say("training of " + model + " resumed from its champion, version " + r.getVersion());
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Publishes an ONNX model as the next version, a CANDIDATE (promote it to serve it, or warm-start training from it).",
                    "A model made by this project's trainer is published as it is. One made by another tool is checked (its ops must be",
                    "ones the trainer can differentiate: see online-trainer/README.md), fed from the spec's vectors as --mapping says,",
                    "and published as an 'imported' model that 'factory train --kind imported' fine-tunes."})
    static final class Import implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Parameters(index = "0", paramLabel = "MODEL")
        String model;

        @Parameters(index = "1", paramLabel = "FILE.onnx")
        Path file;

        @Option(names = "--spec", required = true, paramLabel = "NAME", description = "Feature spec the model consumes.")
        String specName;

        @Option(names = "--spec-version", paramLabel = "N",
                description = "Version of that spec (default: another tool's model, the --feature-spec's version; else 1).")
        Integer specVersion;

        @Option(names = "--mapping", paramLabel = "FILE",
                description = "Another tool's model: which of the spec's inputs feed each of its inputs (input.NAME = dense, or "
                        + "columns dense:INDEX|NAME, sparse:ID, ...), which output is the prediction (output = NAME) and its "
                        + "positive class (positive_class = 0|1). Without it, an input called 'dense' takes the dense vector.")
        Path mapping;

        @Option(names = "--freeze", split = ",", paramLabel = "WEIGHT",
                description = "Another tool's model: weights (initializer names, or patterns with '*') that fine-tuning leaves as they are.")
        List<String> freeze;

        @Option(names = "--feature-spec", defaultValue = IngestOptions.DEFAULT_SPEC, paramLabel = "SPEC",
                description = "Another tool's model: the feature spec (a file, classpath:... or the JSON) whose vectors feed it "
                        + "(default: ${DEFAULT-VALUE}).")
        String featureSpec;

        @Override
        public Integer call() throws Exception {
            byte[] onnx = read(file);
            String note = "";
            int version;
            if (!ModelImport.isOwn(onnx)) {
                ModelInput input = ModelInput.fromSpec(featureSpec);
                version = sameSpec(input, specName, specVersion);
                ModelConfig shape = ModelConfig.logistic(input.denseSize(), input.sparseWidth(), input.buckets())
                        .withSlotFeatures(input.slotFeatures())
                        .withTask(ai.factory.trainer.model.Task.valueOf(input.target().task().trim().toUpperCase(Locale.ROOT)));
                OnnxWeights.Loaded loaded = ModelImport.read(onnx, mapping == null ? "" : new String(read(mapping), StandardCharsets.UTF_8),
                        shape, freeze == null ? Set.of() : Set.copyOf(freeze));
                onnx = ModelGraphs.inference(loaded.config(), loaded.params(), Map.of()).toByteArray();
                note = String.format(Locale.ROOT, "; made by another tool: %d weights %s%s, fine-tune it with factory train --kind imported",
                        loaded.params().size(), loaded.params().keySet(),
                        loaded.config().frozen().isEmpty() ? "" : ", frozen " + new TreeSet<>(loaded.config().frozen()));
            } else if (mapping != null || freeze != null) {
                throw new IllegalArgumentException("--mapping and --freeze are for models made by another tool; " + file
                        + " was made by this project's trainer (freeze with factory train --freeze)");
            } else {
                version = specVersion == null ? 1 : specVersion;
            }
            byte[] release = onnx;
            ModelRelease r = withCatalog(kafka, spec, c -> c.importModel(model, release, specName, version, file.toString()));
            spec.commandLine().getOut().println("imported " + file + " as " + model + " version " + r.getVersion() + " (" + r.getStatus()
                    + ")" + note);
            return 0;
        }

        /** The release names the spec whose vectors its inputs were mapped from: a model fed another spec would score noise. */
        private static int sameSpec(ModelInput input, String specName, Integer specVersion) {
            if (!input.specName().equals(specName) || specVersion != null && specVersion != input.specVersion()) {
                throw new IllegalArgumentException("--spec " + specName + (specVersion == null ? "" : " --spec-version " + specVersion)
                        + " does not match --feature-spec, which is " + input.specName() + " version " + input.specVersion());
            }
            return input.specVersion();
        }

        private static byte[] read(Path path) throws java.io.IOException {
            if (!Files.isReadable(path)) {
                throw new IllegalArgumentException("cannot read " + path);
            }
            return Files.readAllBytes(path);
        }
    }
}
