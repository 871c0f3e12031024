package ai.factory.release;

import java.io.IOException;
import java.io.InputStream;

import ai.factory.records.ModelRelease;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** ModelRelease with ROLLED_BACK and status_by reads every record written before them, and the other way. */
class ModelReleaseEvolutionTest {

    @Test
    void theLedgersSchemaAndTheOneBeforeItReadEachOther() throws IOException {
        Schema before;
        try (InputStream in = getClass().getResourceAsStream("/ModelRelease-v1.avsc")) {
            before = new Schema.Parser().parse(in);
        }
        Schema now = ModelRelease.getClassSchema();
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(now, before).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        // Old readers read ROLLED_BACK as their enum default, UNKNOWN: not a champion, so they never serve it.
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(before, now).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(now.getField("status").schema().getEnumDefault()).isEqualTo("UNKNOWN");
    }
}
