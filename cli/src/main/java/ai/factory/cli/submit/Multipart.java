package ai.factory.cli.submit;

import java.io.FileNotFoundException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A {@code multipart/form-data} body of one file, as Flink's {@code POST /jars/upload} takes a job jar (form field
 * {@code jarfile}); the file is streamed, not read into memory.
 *
 * @param boundary the part boundary, which must not occur in the file (a random UUID does not, in practice)
 */
record Multipart(String boundary) {

    /** A body with a fresh random boundary. */
    static Multipart random() {
        return new Multipart("factory-" + UUID.randomUUID());
    }

    /** The {@code Content-Type} header of the body. */
    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** What precedes the file's bytes: the boundary and the part's headers. */
    byte[] head(String field, String fileName) {
        return ("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"" + field + "\"; filename=\"" + fileName.replace("\"", "") + "\"\r\n"
                + "Content-Type: application/java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** What follows the file's bytes: the closing boundary. */
    byte[] tail() {
        return ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The body: {@code file} as form field {@code field}. */
    HttpRequest.BodyPublisher of(String field, Path file) throws FileNotFoundException {
        return HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head(field, file.getFileName().toString())),
                HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofByteArray(tail()));
    }
}
