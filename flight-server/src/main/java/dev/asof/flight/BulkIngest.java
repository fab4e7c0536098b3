package dev.asof.flight;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.metadata.UploadSchemas;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.LoadMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightProducer.StreamListener;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flight SQL bulk ingest: uploads go into a session table {@code <catalog>.asof_session_<id>.<table>}
 * ({@link UploadSchemas}); the session's next statements find it by its unqualified name. Only
 * session tables can be written: a command that names another schema or catalog is refused.
 */
final class BulkIngest {
    private static final Logger LOG = LoggerFactory.getLogger(BulkIngest.class);

    private final StatementExecutor executor;
    private final FlightSessions sessions;
    private final BufferAllocator allocator;

    BulkIngest(StatementExecutor executor, FlightSessions sessions, BufferAllocator allocator) {
        this.executor = requireNonNull(executor, "executor");
        this.sessions = requireNonNull(sessions, "sessions");
        this.allocator = requireNonNull(allocator, "allocator");
    }

    Runnable accept(FlightSql.CommandStatementIngest command, CallContext context, FlightStream flightStream,
            StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                String session = FlightCalls.session(context);
                String table = command.getTable();
                if (table.isBlank()) {
                    throw new AsofException(ErrorCode.INVALID_PARAMETER, "bulk ingest needs a table name");
                }
                if ((command.hasSchema() && !command.getSchema().isEmpty()
                                && !command.getSchema().equalsIgnoreCase(UploadSchemas.schemaName(session)))
                        || (command.hasCatalog() && !command.getCatalog().isEmpty()
                                && !command.getCatalog().equalsIgnoreCase(executor.defaultCatalog()))) {
                    throw new AsofException(ErrorCode.NOT_SUPPORTED, "bulk ingest writes session tables only:"
                            + " leave catalog and schema unset; the table is then visible to this session as '"
                            + table + "'");
                }
                LoadMode mode = loadMode(command.getTableDefinitionOptions());
                SchemaName schema = sessions.ensureSchema(session);
                List<ColumnMetadata> columns = new ArrayList<>();
                for (Field f : flightStream.getSchema().getFields()) {
                    columns.add(ArrowTypes.column(f));
                }
                long n;
                try {
                    n = executor.warehouse().bulkLoad(TableName.of(schema, table), columns, mode,
                            new StreamRows(flightStream, columns.size()));
                } finally {
                    // a new or replaced table: cached metadata must not hide it (nor its old columns)
                    executor.metadataCache().invalidate();
                }
                LOG.debug("session {} uploaded {} rows into {}", session, n, table);
                FlightCalls.sendUpdateCount(allocator, ackStream, n);
            } catch (RuntimeException e) {
                ackStream.onError(FlightErrors.toFlight(e, null));
            }
        };
    }

    private static LoadMode loadMode(TableDefinitionOptions options) {
        var notExist = options.getIfNotExist();
        var exists = options.getIfExists();
        boolean create = notExist != TableDefinitionOptions.TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL;
        switch (exists) {
            case TABLE_EXISTS_OPTION_REPLACE:
                return LoadMode.REPLACE;
            case TABLE_EXISTS_OPTION_APPEND:
                return create ? LoadMode.CREATE_OR_APPEND : LoadMode.APPEND;
            default:
                // FAIL or unspecified: create, failing if the table exists
                return LoadMode.CREATE;
        }
    }

    /** Rows of an uploaded Arrow stream, batch by batch (one array, reused). */
    private static final class StreamRows implements Iterator<Object[]> {
        private final FlightStream stream;
        private final Object[] row;
        private ArrowTypes.ColumnReader[] readers;
        private int index;
        private int count;
        private boolean done;

        StreamRows(FlightStream stream, int width) {
            this.stream = stream;
            this.row = new Object[width];
        }

        @Override
        public boolean hasNext() {
            while (!done && index >= count) {
                if (!stream.next()) {
                    done = true;
                    break;
                }
                VectorSchemaRoot root = stream.getRoot();
                List<FieldVector> vectors = root.getFieldVectors();
                readers = new ArrowTypes.ColumnReader[vectors.size()];
                for (int i = 0; i < readers.length; i++) {
                    readers[i] = ArrowTypes.reader(vectors.get(i));
                }
                index = 0;
                count = root.getRowCount();
            }
            return !done;
        }

        @Override
        public Object[] next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            for (int i = 0; i < row.length; i++) {
                row[i] = readers[i].read(index);
            }
            index++;
            return row;
        }
    }
}
