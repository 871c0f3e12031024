package ai.factory.ingest.spec;

import java.io.Serializable;

/** What an event attribute must look like: its type and whether it must be present and non-null. */
public record AttributeRule(AttributeType type, boolean required) implements Serializable {

    /** The types an attribute can be declared with; NUMBER accepts Avro long and double. */
    public enum AttributeType { STRING, NUMBER, BOOLEAN }
}
