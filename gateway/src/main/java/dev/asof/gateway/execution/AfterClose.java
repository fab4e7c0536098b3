package dev.asof.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.ArrowExport;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * A statement's result (rows or engine Arrow batches) that gives back what the statement held once
 * the result is closed: an admission permit, its place in the running-statement listing. The action
 * runs once, after the result itself is closed, however often and from whichever thread close is
 * called (a client's close and the idle sweeper may race).
 */
public final class AfterClose {
    private AfterClose() {}

    /** {@code cursor}, running {@code action} once after it is closed. */
    public static RowCursor cursor(RowCursor cursor, Runnable action) {
        return cursor(cursor, action, UnaryOperator.identity());
    }

    /**
     * {@code cursor}, running {@code action} once after it is closed; a failure fetching the next
     * row is passed on as {@code failure} makes it (e.g. a cancel explained as a time limit).
     */
    public static RowCursor cursor(RowCursor cursor, Runnable action, UnaryOperator<RuntimeException> failure) {
        return new Cursor(cursor, new Once(action), failure);
    }

    /** {@code batches}, running {@code action} once after they are closed. */
    public static ArrowExport.ArrowBatches batches(ArrowExport.ArrowBatches batches, Runnable action) {
        requireNonNull(batches, "batches");
        Once once = new Once(action);
        return new ArrowExport.ArrowBatches() {
            @Override
            public Object reader() {
                return batches.reader();
            }

            @Override
            public void close() {
                try {
                    batches.close();
                } finally {
                    once.run();
                }
            }
        };
    }

    private static final class Once {
        private final Runnable action;
        private final AtomicBoolean done = new AtomicBoolean();

        Once(Runnable action) {
            this.action = requireNonNull(action, "action");
        }

        void run() {
            if (done.compareAndSet(false, true)) {
                action.run();
            }
        }
    }

    private static final class Cursor implements RowCursor {
        private final RowCursor cursor;
        private final Once once;
        private final UnaryOperator<RuntimeException> failure;

        Cursor(RowCursor cursor, Once once, UnaryOperator<RuntimeException> failure) {
            this.cursor = requireNonNull(cursor, "cursor");
            this.once = once;
            this.failure = requireNonNull(failure, "failure");
        }

        @Override
        public List<ColumnMetadata> columns() {
            return cursor.columns();
        }

        @Override
        public boolean next() {
            try {
                return cursor.next();
            } catch (RuntimeException e) {
                throw failure.apply(e);
            }
        }

        @Override
        public Object value(int index) {
            return cursor.value(index);
        }

        @Override
        public void close() {
            try {
                cursor.close();
            } finally {
                once.run();
            }
        }
    }
}
