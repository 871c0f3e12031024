package ai.factory.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import ai.factory.kafka.KafkaConnection;
import ai.factory.options.KafkaOptions;
import ai.factory.records.ModelRelease;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.trainer.release.ModelCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code factory models}: lists model releases and promotes, rolls back or imports them. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Lists the model releases on the models topic and controls which one is champion.",
        subcommands = {ModelsCommand.ListReleases.class, ModelsCommand.Promote.class, ModelsCommand.Rollback.class,
                ModelsCommand.Import.class})
final class ModelsCommand {

    /** Opens the catalog of the factory's models topic; says on standard error how many records it could not read. */
    static <T> T withCatalog(KafkaOptions kafka, CommandSpec spec, java.util.function.Function<ModelCatalog, T> action) {
        KafkaConnection connection = kafka.connection();
        try (SchemaRegistry registry = new KafkaSchemaRegistry(connection, kafka.topics().schemas());
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

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists every release (latest state of each version).")
    static final class ListReleases implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Option(names = "--model", paramLabel = "NAME", description = "Only this model.")
        String model;

        @Override
        public Integer call() {
            List<ModelRelease> releases = withCatalog(kafka, spec, c -> model == null ? c.releases() : c.releases(model));
            print(spec.commandLine().getOut(), releases);
            return 0;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true, description = "Makes a release the champion (republishes it as CHAMPION); a rejected one is refused.")
    static final class Promote implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Parameters(index = "0", paramLabel = "MODEL")
        String model;

        @Parameters(index = "1", paramLabel = "VERSION")
        long version;

        @Option(names = "--reason", defaultValue = "", paramLabel = "TEXT", description = "Why (kept with the release).")
        String reason;

        @Override
        public Integer call() {
            ModelRelease r = withCatalog(kafka, spec, c -> c.promote(model, version, reason));
            spec.commandLine().getOut().println("champion of " + model + " is now version " + r.getVersion());
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Republishes the champion as ROLLED_BACK, so the previous champion serves again; the only champion is kept.")
    static final class Rollback implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Parameters(index = "0", paramLabel = "MODEL")
        String model;

        @Override
        public Integer call() {
            var now = withCatalog(kafka, spec, c -> c.rollback(model));
            spec.commandLine().getOut().println(now.map(r -> "champion of " + model + " is now version " + r.getVersion())
                    .orElse(model + " has no champion now"));
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Publishes an ONNX model made by this project's trainer as the next version, a CANDIDATE (promote it to serve it, or warm-start training from it).")
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

        @Option(names = "--spec-version", defaultValue = "1", paramLabel = "N", description = "Version of that spec (default: ${DEFAULT-VALUE}).")
        int specVersion;

        @Override
        public Integer call() throws Exception {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("cannot read " + file);
            }
            byte[] onnx = Files.readAllBytes(file);
            ModelRelease r = withCatalog(kafka, spec, c -> c.importModel(model, onnx, specName, specVersion, file.toString()));
            spec.commandLine().getOut().println("imported " + file + " as " + model + " version " + r.getVersion() + " (" + r.getStatus() + ")");
            return 0;
        }
    }
}
