package ai.factory.trainer.job;

import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.serialization.SerializationSchema;

/** Key and value serialization of {@link KeyedBytes} for the Kafka sinks (named classes: Flink cannot infer lambdas' types). */
final class KeyedBytesSchemas {

    private KeyedBytesSchemas() {
    }

    /** The UTF-8 key, or null. */
    static final class Key implements SerializationSchema<KeyedBytes> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(KeyedBytes element) {
            return element.key() == null ? null : element.key().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The already-encoded value. */
    static final class Value implements SerializationSchema<KeyedBytes> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(KeyedBytes element) {
            return element.value();
        }
    }
}
