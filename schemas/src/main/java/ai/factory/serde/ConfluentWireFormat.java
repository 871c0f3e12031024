package ai.factory.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import ai.factory.kafka.KafkaConnection;
import io.apicurio.registry.resolver.DefaultSchemaResolver;
import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.SchemaResolver;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import io.apicurio.registry.rest.client.RegistryClient;
import io.apicurio.registry.rest.client.exception.NotFoundException;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSchemaParser;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import io.apicurio.registry.serde.avro.strategy.QualifiedRecordIdStrategy;
import io.apicurio.registry.serde.config.IdOption;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The Confluent wire format (byte 0, a 4-byte big-endian schema id, the Avro binary body) through a schema registry
 * with Apicurio's serde library: its serializer registers each schema (subject: the record's full name, as
 * Confluent's RecordNameStrategy; the registry's compatibility rules decide) and writes the records; its schema
 * resolver turns an id back into the writer's schema for {@link AvroCodec}. The ids are the registry's content ids,
 * which its Confluent-compatible API serves, so Confluent's own deserializers read the topics too. Thread-safe.
 */
public final class ConfluentWireFormat implements AutoCloseable {

    /** The first byte of a record in the Confluent wire format. */
    public static final byte MAGIC = 0;
    /** Magic byte and schema id. */
    public static final int HEADER_LENGTH = 5;

    private final AvroKafkaSerializer<SpecificRecord> serializer;
    private final SchemaResolver<Schema, Object> resolver;
    private final Map<Long, Schema> writerSchemas = new ConcurrentHashMap<>();
    /**
     * Ids the registry did not have, to when that answer expires: the library retries a lookup several times before
     * it gives up, so a stream of junk ids would cost that much each time. Access-ordered, guarded by itself.
     */
    private final LinkedHashMap<Long, Long> missing = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > KafkaSchemaRegistry.MISSES_KEPT;
        }
    };

    private ConfluentWireFormat(Map<String, Object> config, RegistryClient client) {
        serializer = client == null ? new AvroKafkaSerializer<>() : new AvroKafkaSerializer<>(client);
        serializer.configure(config, false);
        resolver = new DefaultSchemaResolver<>();
        if (client != null) {
            resolver.setClient(client);
        }
        resolver.configure(config, new AvroSchemaParser<>(new DefaultAvroDatumProvider<>()));
    }

    /** The wire format of the registry {@code kafka}'s settings name ({@code --schema-registry}), if they name one. */
    public static Optional<ConfluentWireFormat> of(KafkaConnection kafka) {
        return kafka.schemaRegistryUrl().map(url -> new ConfluentWireFormat(libraryConfig(resolved(kafka.settings())), null));
    }

    /**
     * {@code settings} with {@code ${provider:name}} references resolved by the file's {@code config.providers}, as a
     * Kafka client resolves them when it opens: a registry password may stay in the environment like Kafka's.
     */
    static Map<String, String> resolved(Map<String, String> settings) {
        return new AbstractConfig(new ConfigDef(), settings, false).originalsStrings();
    }

    /** The wire format through {@code client}, the library's client of a registry (tests, embedding programs). */
    public static ConfluentWireFormat through(RegistryClient client, Map<String, String> settings) {
        return new ConfluentWireFormat(libraryConfig(settings), client);
    }

    /**
     * The serde library's settings from the factory's: the registry URL, Confluent's names for its credentials and
     * trust store ({@code basic.auth.user.info}, {@code schema.registry.ssl.*}), then any {@code apicurio.*} setting
     * as it is, which wins.
     */
    static Map<String, Object> libraryConfig(Map<String, String> settings) {
        Map<String, Object> config = new HashMap<>();
        String url = settings.get(KafkaConnection.SCHEMA_REGISTRY_URL);
        if (url != null) {
            config.put(SerdeConfig.REGISTRY_URL, apiUrl(url));
        }
        config.put(SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER, true);
        config.put(SerdeConfig.ENABLE_HEADERS, false);
        config.put(SerdeConfig.USE_ID, IdOption.contentId.name());
        config.put(SerdeConfig.ARTIFACT_RESOLVER_STRATEGY, QualifiedRecordIdStrategy.class.getName());
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        String userInfo = settings.get("basic.auth.user.info");
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("basic.auth.user.info must be USER:PASSWORD");
            }
            config.put(SerdeConfig.AUTH_USERNAME, userInfo.substring(0, colon));
            config.put(SerdeConfig.AUTH_PASSWORD, userInfo.substring(colon + 1));
        }
        Map<String, String> tls = Map.of(
                "schema.registry.ssl.truststore.location", SerdeConfig.REQUEST_TRUSTSTORE_LOCATION,
                "schema.registry.ssl.truststore.password", SerdeConfig.REQUEST_TRUSTSTORE_PASSWORD,
                "schema.registry.ssl.truststore.type", SerdeConfig.REQUEST_TRUSTSTORE_TYPE,
                "schema.registry.ssl.keystore.location", SerdeConfig.REQUEST_KEYSTORE_LOCATION,
                "schema.registry.ssl.keystore.password", SerdeConfig.REQUEST_KEYSTORE_PASSWORD,
                "schema.registry.ssl.keystore.type", SerdeConfig.REQUEST_KEYSTORE_TYPE,
                "schema.registry.ssl.key.password", SerdeConfig.REQUEST_KEY_PASSWORD);
        tls.forEach((confluent, apicurio) -> {
            if (settings.containsKey(confluent)) {
                config.put(apicurio, settings.get(confluent));
            }
        });
        settings.forEach((key, value) -> {
            if (key.startsWith("apicurio.")) {
                config.put(key, value);
            }
        });
        return config;
    }

    /**
     * The registry's address as {@code --schema-registry} takes it: an http or https URL. The library's client talks to
     * the registry's own API under {@code /apis/registry/v2}; a bare server URL is completed with that path.
     *
     * @throws IllegalArgumentException when {@code url} is not an http or https URL
     */
    public static String checkUrl(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("the schema registry must be an http:// or https:// URL, was '" + url + "'");
            }
            return url;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the schema registry must be an http:// or https:// URL, was '" + url + "'");
        }
    }

    private static String apiUrl(String url) {
        String checked = checkUrl(url).replaceAll("/+$", "");
        return checked.contains("/apis/") ? checked : checked + "/apis/registry/v2";
    }

    /**
     * {@code record} in the wire format, its schema registered first when the registry does not have it yet.
     *
     * @throws KafkaException when the registry cannot be reached or refuses the schema (an incompatible change)
     */
    public byte[] encode(SpecificRecord record) {
        try {
            // The subject is the record's name, so the topic is not needed (callers encode before choosing one).
            return serializer.serialize(record.getSchema().getFullName(), record);
        } catch (KafkaException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new KafkaException("the schema registry did not take " + record.getSchema().getFullName() + ": "
                    + AvroCodec.oneLine(e), e);
        }
    }

    /** The schema id of a record in the wire format, or -1 when {@code bytes} is not one. */
    public static long schemaId(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER_LENGTH || bytes[0] != MAGIC) {
            return -1;
        }
        return ((bytes[1] & 0xffL) << 24) | ((bytes[2] & 0xffL) << 16) | ((bytes[3] & 0xffL) << 8) | (bytes[4] & 0xffL);
    }

    /**
     * The writer's schema of {@code id}, or null when the registry has none of that id.
     *
     * @throws KafkaException when the registry cannot be reached: the record may be fine
     */
    public Schema writerSchema(long id) {
        Schema known = writerSchemas.get(id);
        if (known != null || knownMissing(id)) {
            return known;
        }
        try {
            SchemaLookupResult<Schema> found = resolver.resolveSchemaByArtifactReference(
                    ArtifactReference.builder().contentId(id).build());
            Schema schema = found.getParsedSchema().getParsedSchema();
            writerSchemas.put(id, schema);
            return schema;
        } catch (RuntimeException e) {
            if (e instanceof NotFoundException || e.getCause() instanceof NotFoundException) {
                synchronized (missing) {
                    missing.put(id, System.nanoTime() + KafkaSchemaRegistry.MISS_EXPIRY.toNanos());
                }
                return null;
            }
            throw new KafkaException("cannot read schema " + id + " from the schema registry: " + AvroCodec.oneLine(e), e);
        }
    }

    private boolean knownMissing(long id) {
        synchronized (missing) {
            Long expires = missing.get(id);
            if (expires == null) {
                return false;
            }
            if (expires - System.nanoTime() > 0) {
                return true;
            }
            missing.remove(id);
            return false;
        }
    }

    @Override
    public void close() {
        serializer.close();
        try {
            resolver.close();
        } catch (java.io.IOException e) {
            // Only its HTTP client's resources; nothing was written.
        }
    }
}
