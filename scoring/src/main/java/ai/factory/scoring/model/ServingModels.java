package ai.factory.scoring.model;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import ai.factory.scoring.release.ReleaseKey;
import ai.factory.scoring.release.SpecKey;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions serving right now, per feature spec and role. Installing a session is one atomic map update;
 * the session it replaces is retired and closes once its in-flight batch is done. Thread-safe: the models
 * reader installs, the scoring loop acquires.
 */
public final class ServingModels implements AutoCloseable {

    /** What a session is used for. */
    public enum Role {
        /** Its scores go to the predictions topic. */
        CHAMPION,
        /** Its scores go to the shadow topic only. */
        CHALLENGER
    }

    private static final Logger log = LoggerFactory.getLogger(ServingModels.class);

    private final Map<Role, Map<SpecKey, ModelSession>> installed = Map.of(
            Role.CHAMPION, new ConcurrentHashMap<>(), Role.CHALLENGER, new ConcurrentHashMap<>());
    private final Map<VersionGauge, Boolean> gauges = new ConcurrentHashMap<>();
    private final MeterRegistry meters;

    public ServingModels(MeterRegistry meters) {
        this.meters = meters;
    }

    /** The session serving {@code spec} in {@code role}, held for one batch; release it when done. */
    public Optional<ModelSession> acquire(SpecKey spec, Role role) {
        Map<SpecKey, ModelSession> sessions = installed.get(role);
        while (true) {
            ModelSession session = sessions.get(spec);
            if (session == null) {
                return Optional.empty();
            }
            if (session.tryAcquire()) {
                return Optional.of(session);
            }
            // Retired between the read and the hold: the map already names its successor (or nothing).
            Thread.onSpinWait();
        }
    }

    /** The session serving {@code spec} in {@code role}, without holding it: to look at, not to run. */
    public Optional<ModelSession> peek(SpecKey spec, Role role) {
        return Optional.ofNullable(installed.get(role).get(spec));
    }

    /** The release installed for {@code spec} in {@code role}, if any. */
    public Optional<ReleaseKey> installed(SpecKey spec, Role role) {
        return Optional.ofNullable(installed.get(role).get(spec)).map(ModelSession::release);
    }

    /** Whether some champion serves {@code spec}. */
    public boolean serves(SpecKey spec) {
        return installed.get(Role.CHAMPION).containsKey(spec);
    }

    /** Makes {@code session} serve its spec in {@code role}; the one it replaces retires. */
    public void install(ModelSession session, Role role) {
        registerGauge(session.spec(), role, session.release().modelName());
        ModelSession previous = installed.get(role).put(session.spec(), session);
        if (previous != null) {
            previous.retire();
        }
        log.info("{} for {} is now {} (was {})", role, session.spec(), session.release(),
                previous == null ? "none" : previous.release());
    }

    /** Stops serving {@code spec} in {@code role}. */
    public void remove(SpecKey spec, Role role) {
        ModelSession previous = installed.get(role).remove(spec);
        if (previous != null) {
            previous.retire();
            log.info("{} for {} removed (was {})", role, spec, previous.release());
        }
    }

    @Override
    public void close() {
        for (Map<SpecKey, ModelSession> sessions : installed.values()) {
            sessions.keySet().forEach(spec -> {
                ModelSession session = sessions.remove(spec);
                if (session != null) {
                    session.retire();
                }
            });
        }
    }

    private void registerGauge(SpecKey spec, Role role, String modelName) {
        VersionGauge key = new VersionGauge(spec, role);
        if (gauges.putIfAbsent(key, Boolean.TRUE) == null) {
            Gauge.builder("factory.scoring.model.version", installed.get(role),
                            sessions -> Optional.ofNullable(sessions.get(spec))
                                    .map(s -> (double) s.release().version()).orElse(Double.NaN))
                    .description("Version of the model release serving a feature spec (NaN when none)")
                    .tag("model", modelName)
                    .tag("spec", spec.toString())
                    .tag("role", role.name().toLowerCase(java.util.Locale.ROOT))
                    .register(meters);
        }
    }

    private record VersionGauge(SpecKey spec, Role role) {
    }
}
