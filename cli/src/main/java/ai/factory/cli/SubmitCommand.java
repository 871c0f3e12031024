package ai.factory.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import ai.factory.cli.submit.FlinkRest;
import ai.factory.ingest.job.IngestArguments;
import ai.factory.ingest.job.IngestJob;
import ai.factory.ingest.job.IngestOptions;
import ai.factory.options.DurationConverter;
import ai.factory.options.KafkaOptions;
import ai.factory.target.ModelTarget;
import ai.factory.topics.TopicAdmin;
import ai.factory.trainer.job.TrainerJob;
import ai.factory.trainer.job.TrainerMain;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code factory submit}: the feature job and the online trainer on a Flink session cluster, through its REST API
 * (the job jars are uploaded, so this may run on another host than the cluster). Creates the topics first; a job of
 * the same name that is still active is reported, not submitted again.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {
            "Submits the stream-ingest and online-trainer jobs to a Flink session cluster (2.2) over its REST API.",
            "Creates the factory's topics first, uploads each job jar, runs it and waits until the job is RUNNING; a job "
                + "of the same name that is still active is left alone, so running it again is safe. Each job is named "
                + "after its consumer group (<prefix>factory-stream-ingest, <prefix>online-trainer-<model>).",
            "Checkpoints are kept when a job is cancelled; --restore-ingest/--restore-trainer resubmit from one."})
final class SubmitCommand implements Callable<Integer> {

    /** The two jobs. */
    enum Role {
        INGEST("ingest", "factory-stream-ingest"), TRAINER("trainer", "factory-online-trainer");

        final String label;
        final String artifact;

        Role(String label, String artifact) {
            this.label = label;
            this.artifact = artifact;
        }
    }

    /** One job to submit: its name on the cluster, its jar, its main's arguments, a checkpoint to restore. */
    record Submission(Role role, String name, Path jar, List<String> args, String restore) {
    }

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    /** The topics are created first, as {@code factory topics create} would. */
    @Mixin
    TopicLayout layout;

    @Option(names = "--flink", defaultValue = "${env:FACTORY_FLINK_URL:-http://127.0.0.1:8081}", paramLabel = "URL",
            description = "REST address of the Flink JobManager (default: $FACTORY_FLINK_URL, else ${DEFAULT-VALUE}).")
    String flink;

    @Option(names = "--spec", defaultValue = IngestOptions.DEFAULT_SPEC, paramLabel = "SPEC",
            description = "Feature spec of both jobs, a file or classpath:... (default: ${DEFAULT-VALUE}); a file is read "
                + "here and handed to the jobs as its JSON.")
    String featureSpec;

    @Option(names = "--parallelism", defaultValue = "" + IngestOptions.DEFAULT_PARALLELISM, paramLabel = "N",
            description = "Parallelism of the jobs; the trainer itself runs as one task (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--checkpoint-dir", paramLabel = "URI",
            description = "File-system URI the cluster's processes share for checkpoints, e.g. file:///flink/checkpoints "
                + "or s3://bucket/path (default: the cluster's execution.checkpointing.dir).")
    String checkpointDir;

    @Option(names = "--restore-ingest", paramLabel = "PATH", description = "Checkpoint or savepoint to start the feature job from.")
    String restoreIngest;

    @Option(names = "--restore-trainer", paramLabel = "PATH", description = "Checkpoint or savepoint to start the trainer from.")
    String restoreTrainer;

    @Option(names = "--only", paramLabel = "JOB", description = "ingest or trainer: submit only this job.")
    String only;

    @Option(names = "--ingest-arg", paramLabel = "ARG",
            description = "One more argument of the feature job's main, e.g. --ingest-arg=--exactly-once (repeatable).")
    List<String> ingestArgs = new ArrayList<>();

    @Option(names = "--trainer-arg", paramLabel = "ARG",
            description = "One more argument of the trainer's main, e.g. --trainer-arg=--profile=demo (repeatable).")
    List<String> trainerArgs = new ArrayList<>();

    @Option(names = "--ingest-jar", paramLabel = "FILE", description = "The feature job's jar (default: found in the jobs folder).")
    Path ingestJar;

    @Option(names = "--trainer-jar", paramLabel = "FILE", description = "The trainer's job jar (default: found in the jobs folder).")
    Path trainerJar;

    @Option(names = "--timeout", defaultValue = "2m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for the cluster and for each job to run (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    /** The jobs to submit, with their names and arguments as their mains will read them; bad options fail here. */
    List<Submission> plan() {
        List<Role> roles = roles();
        String specArgument = featureSpec.startsWith(ModelTarget.CLASSPATH) ? featureSpec : ModelTarget.specText(featureSpec);
        List<Submission> jobs = new ArrayList<>();
        for (Role role : roles) {
            List<String> args = new ArrayList<>(kafka.arguments());
            args.addAll(List.of("--spec", specArgument));
            if (role == Role.INGEST) {
                args.addAll(List.of("--parallelism", String.valueOf(parallelism)));
            }
            if (checkpointDir != null) {
                args.addAll(List.of("--checkpoint-dir", checkpointDir));
            }
            args.addAll(role == Role.INGEST ? ingestArgs : trainerArgs);
            String name = name(role, args);
            Path jar = role == Role.INGEST ? ingestJar : trainerJar;
            jobs.add(new Submission(role, name, jar != null ? jar : findJar(role), List.copyOf(args),
                    role == Role.INGEST ? restoreIngest : restoreTrainer));
        }
        return jobs;
    }

    private List<Role> roles() {
        if (parallelism < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--parallelism must be at least 1");
        }
        if (only == null) {
            return List.of(Role.INGEST, Role.TRAINER);
        }
        return switch (only) {
            case "ingest" -> List.of(Role.INGEST);
            case "trainer" -> List.of(Role.TRAINER);
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--only is ingest or trainer, was '" + only + "'");
        };
    }

    /** The name the job's main will give the job, from the same arguments. */
    private String name(Role role, List<String> args) {
        String[] a = args.toArray(String[]::new);
        try {
            return role == Role.INGEST ? IngestJob.clusterJobName(IngestArguments.parse(a)) : TrainerJob.clusterJobName(TrainerMain.options(a));
        } catch (CommandLine.ParameterException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), role.label + " job: " + e.getMessage(), e);
        }
    }

    /** The job jar of {@code role} in {@code <factory.home>/cli/target/jobs} (after a build) or {@code <factory.home>/jobs}. */
    static Path findJar(Role role) {
        Path home = Path.of(System.getProperty("factory.home", "."));
        for (Path folder : List.of(home.resolve("cli/target/jobs"), home.resolve("jobs"))) {
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.list(folder)) {
                    Optional<Path> jar = files.filter(p -> p.getFileName().toString().startsWith(role.artifact + "-")
                            && p.getFileName().toString().endsWith("-job.jar")).sorted().reduce((a, b) -> b);
                    if (jar.isPresent()) {
                        return jar.get();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        throw new IllegalArgumentException("no " + role.artifact + " job jar in " + home.resolve("cli/target/jobs") + " or "
                + home.resolve("jobs") + "; build with 'mvn -B package -DskipTests -pl cli -am' or give --" + role.label + "-jar");
    }

    @Override
    public Integer call() throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        List<Submission> jobs = plan();
        for (Submission job : jobs) {
            if (!Files.isRegularFile(job.jar())) {
                throw new IllegalArgumentException("no job jar at " + job.jar());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        FlinkRest rest = new FlinkRest(flink);
        // The cluster first: an unreachable one is the likelier mistake, and the topics can wait for it.
        List<FlinkRest.Job> known = rest.jobs(left(deadline));
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TopicTable.print(out, TopicAdmin.ensure(admin, layout.catalog(kafka.topics())));
        }
        for (Submission job : jobs) {
            Optional<FlinkRest.Job> active = known.stream().filter(j -> j.name().equals(job.name()) && j.active()).findFirst();
            if (active.isPresent()) {
                out.printf("%-7s already %s as job %s (%s), not submitted again%n", job.role().label,
                        active.get().state(), active.get().id(), job.name());
                continue;
            }
            String id = submit(rest, job, deadline);
            out.printf("%-7s RUNNING as job %s (%s)%s%n", job.role().label, id, job.name(),
                    job.restore() == null ? "" : " restored from " + job.restore());
            out.flush();
        }
        return 0;
    }

    private static String submit(FlinkRest rest, Submission job, Instant deadline) throws IOException, InterruptedException {
        String jarId = rest.upload(job.jar(), left(deadline));
        String id;
        try {
            id = rest.run(jarId, new FlinkRest.RunRequest(job.args(), 1, job.restore()), left(deadline));
        } catch (FlinkRest.FlinkRestException e) {
            throw new IllegalStateException(job.role().label + " job refused by the cluster: " + e.reason(), e);
        } finally {
            // The job has its own copy of the jar's classes; an uploaded jar would stay on the JobManager's disk.
            try {
                rest.deleteJar(jarId, left(deadline));
            } catch (IOException e) {
                // Only tidiness: the job runs, or its failure is reported above.
            }
        }
        while (true) {
            String state = rest.state(id, left(deadline));
            if (state.equals("RUNNING")) {
                return id;
            }
            if (List.of("FAILED", "CANCELED", "FINISHED", "SUSPENDED").contains(state)) {
                String why = rest.rootException(id, left(deadline)).orElse("no exception reported");
                throw new IllegalStateException(job.role().label + " job " + id + " " + state + ": " + why);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(job.role().label + " job " + id + " still " + state + " after the timeout");
            }
            Thread.sleep(250);
        }
    }

    /** What is left of the time until {@code deadline}, at least a second (so a last call can still answer). */
    private static Duration left(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw new IllegalStateException("the Flink cluster did not answer within --timeout");
        }
        return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
    }
}
