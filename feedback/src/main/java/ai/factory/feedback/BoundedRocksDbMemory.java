package ai.factory.feedback;

import java.util.Map;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Caps the native memory of every persistent store of the app together: one block cache and one write-buffer budget
 * shared by all stores, instead of RocksDB's defaults per store (a 50 MB cache and three 16 MB memtables each, so the
 * feedback app's six stores could take about 600 MB outside the heap as a long run filled them).
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** Cache and memtables of all stores together. */
    static final long TOTAL_BYTES = 64L << 20;
    /** Of which memtables (counted in the cache, so the total holds). */
    static final long WRITE_BUFFER_BYTES = 16L << 20;

    // Shared by every store of the process (RocksDB's documented way to bound memory across column families).
    private static final Cache CACHE = new LRUCache(TOTAL_BYTES, -1, false, 0.1);
    private static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(WRITE_BUFFER_BYTES, CACHE);

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(CACHE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(WRITE_BUFFERS);
        options.setMaxWriteBufferNumber(2);
        options.setWriteBufferSize(4L << 20);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are shared: they live as long as the process.
    }
}
