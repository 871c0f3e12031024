package ai.factory.replay;

import java.io.Closeable;
import java.util.Iterator;

/** Rows in the order a replay sends them: straight from a file, or sorted by event time. */
public interface RowStream extends Iterator<RowReader.Row>, Closeable {

    /** Share of the work done so far, 0..1, for progress. */
    double fractionRead();
}
