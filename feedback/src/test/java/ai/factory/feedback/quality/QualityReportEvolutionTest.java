package ai.factory.feedback.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;

import ai.factory.records.QualityReport;
import ai.factory.records.QualityTask;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** QualityReport with tasks and regression metrics reads what the binary-only schema wrote, and the other way. */
class QualityReportEvolutionTest {

    private static final Instant T = Instant.parse("2001-01-01T00:00:00Z");

    @Test
    void reportsWrittenBeforeRegressionReadAsBinary() throws IOException {
        Schema old = oldSchema();
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(QualityReport.getClassSchema(), old).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        GenericRecord written = new GenericRecordBuilder(old).set("model_name", "flights").set("model_version", 3L)
                .set("window", "count:1000").set("window_end", T.toEpochMilli()).set("count", 1000L)
                .set("logloss", 0.47).set("auc", 0.66).set("accuracy", 0.8).set("calibration", List.of()).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(old).write(written, encoder);
        encoder.flush();

        QualityReport read = new SpecificDatumReader<QualityReport>(old, QualityReport.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        assertThat(read.getTask()).isEqualTo(QualityTask.BINARY);
        assertThat(read.getLogloss()).isEqualTo(0.47);
        assertThat(read.getAccuracy()).isEqualTo(0.8);
        assertThat(read.getBaselineLogloss()).isNull();
        assertThat(read.getRmse()).isNull();
    }

    /** A binary report (logloss and accuracy set) still reads with the old schema, whose fields were plain doubles. */
    @Test
    void binaryReportsStillReadWithTheOldSchema() throws IOException {
        QualityReport report = QualityReport.newBuilder().setModelName("flights").setModelVersion(3L).setWindow("count:10")
                .setWindowEnd(T).setCount(10L).setLogloss(0.5).setBaselineLogloss(0.69).setAccuracy(0.7).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(QualityReport.class).write(report, encoder);
        encoder.flush();
        GenericRecord read = new GenericDatumReader<GenericRecord>(QualityReport.getClassSchema(), oldSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        assertThat(read.get("logloss")).isEqualTo(0.5);
        assertThat(read.get("accuracy")).isEqualTo(0.7);
    }

    private static Schema oldSchema() throws IOException {
        try (InputStream in = QualityReportEvolutionTest.class.getResourceAsStream("/avro/QualityReport-before-regression.avsc")) {
            return new Schema.Parser().parse(in);
        }
    }
}
