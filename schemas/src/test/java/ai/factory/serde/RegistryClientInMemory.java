package ai.factory.serde;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.apicurio.registry.rest.client.RegistryClient;
import io.apicurio.registry.rest.client.exception.ContentNotFoundException;
import io.apicurio.registry.rest.v2.beans.ArtifactMetaData;
import io.apicurio.registry.rest.v2.beans.Error;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;

/**
 * The serde library's {@link RegistryClient} answered from memory, for the tests that cannot start a registry server
 * on these machines (docs/architecture.md says what was tried). It keeps what the serdes use: artifacts created (or
 * returned when their content exists), content by id, no references; every other call fails the test. It checks no
 * compatibility: that is the registry's, and is not tested here.
 */
public final class RegistryClientInMemory implements InvocationHandler {

    /** One artifact version: where it was registered and its content id. */
    public record Registration(String groupId, String artifactId, long contentId) {
    }

    private final Map<String, Long> contentIds = new LinkedHashMap<>();
    private final Map<Long, String> contents = new LinkedHashMap<>();
    private final List<Registration> registrations = new ArrayList<>();

    /** A new empty registry and its client. */
    public static RegistryClientInMemory create() {
        return new RegistryClientInMemory();
    }

    public RegistryClient client() {
        return (RegistryClient) Proxy.newProxyInstance(RegistryClient.class.getClassLoader(),
                new Class<?>[] {RegistryClient.class}, this);
    }

    /**
     * The library's serializer on this registry, configured as a Kafka shop's producer would for the Confluent wire
     * format: Confluent ids (content ids), no headers, auto-registration, subjects by topic (the library's default).
     */
    public AvroKafkaSerializer<Object> outsideSerializer() {
        AvroKafkaSerializer<Object> serializer = new AvroKafkaSerializer<>(client());
        serializer.configure(outsideConfig(), false);
        return serializer;
    }

    /** The library's deserializer on this registry, as a Kafka shop's consumer would have it, into generated classes. */
    public AvroKafkaDeserializer<Object> outsideDeserializer() {
        AvroKafkaDeserializer<Object> deserializer = new AvroKafkaDeserializer<>(client());
        Map<String, Object> config = outsideConfig();
        config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
        deserializer.configure(config, false);
        return deserializer;
    }

    private static Map<String, Object> outsideConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER, true);
        config.put(SerdeConfig.ENABLE_HEADERS, false);
        config.put(SerdeConfig.USE_ID, "contentId");
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        return config;
    }

    public synchronized List<Registration> registrations() {
        return List.copyOf(registrations);
    }

    @Override
    public synchronized Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "createArtifact":
                if (method.isDefault()) {
                    return InvocationHandler.invokeDefault(proxy, method, args);
                }
                return create((String) args[0], (String) args[1], content(args));
            case "getContentById":
                return contentOf((Long) args[0]);
            case "getArtifactReferencesByContentId":
                return List.of();
            case "close":
                return null;
            case "toString":
                return "RegistryClientInMemory";
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return proxy == args[0];
            default:
                throw new UnsupportedOperationException("not answered in memory: RegistryClient." + method.getName());
        }
    }

    private ArtifactMetaData create(String groupId, String artifactId, String content) {
        long contentId = contentIds.computeIfAbsent(content, c -> (long) contentIds.size() + 1);
        contents.put(contentId, content);
        registrations.add(new Registration(groupId, artifactId, contentId));
        ArtifactMetaData metadata = new ArtifactMetaData();
        metadata.setGroupId(groupId);
        metadata.setId(artifactId);
        metadata.setVersion(String.valueOf(registrations.size()));
        metadata.setContentId(contentId);
        metadata.setGlobalId((long) registrations.size());
        metadata.setType("AVRO");
        return metadata;
    }

    private InputStream contentOf(long contentId) {
        String content = contents.get(contentId);
        if (content == null) {
            throw new ContentNotFoundException(new Error("no content with id " + contentId, 404, null, "ContentNotFoundException"));
        }
        return new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8));
    }

    private static String content(Object[] args) {
        for (Object arg : args) {
            if (arg instanceof InputStream in) {
                try {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalArgumentException("createArtifact without content");
    }
}
