package ai.factory.trainer.job;

import java.io.Serializable;

/** A Kafka record ready to write: UTF-8 key and an already-encoded value. */
public record KeyedBytes(String key, byte[] value) implements Serializable {
}
