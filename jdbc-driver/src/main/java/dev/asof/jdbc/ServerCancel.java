package dev.asof.jdbc;

import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.remote.Service;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Server-side cancel and query timeout for asof statements.
 *
 * <p>Avatica's protocol has no cancel message and its client keeps {@code setQueryTimeout} and
 * {@code cancel()} local. asof's driver therefore sends, on {@code cancel()}, a
 * {@code CloseStatementRequest} for the statement on a separate HTTP call while the execute call
 * is still waiting: the gateway cancels the statement's warehouse query (on Trino, the query ends
 * FAILED with USER_CANCELED) and the waiting call fails. The gateway forgets the server-side
 * statement; the next execute of the same {@code java.sql.Statement} gets a new one (Avatica's
 * client re-creates missing statements). A query timeout is a timer that calls {@code cancel()}
 * when it expires during execute; the execute then fails with {@link SQLTimeoutException}
 * (SQLSTATE 57014).
 */
final class ServerCancel {
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "asof-jdbc-query-timeout");
    t.setDaemon(true);
    return t;
  });

  private ServerCancel() {
  }

  /** Asks the gateway to cancel the statement's running work (a separate HTTP call). */
  static void send(AvaticaStatement statement) {
    try {
      statement.connection.getService().apply(
          new Service.CloseStatementRequest(statement.connection.id, statement.handle.id));
    } catch (RuntimeException e) {
      // nothing running, or the gateway is gone: the execute call reports what happened
    }
  }

  /** Runs one execution under the statement's query timeout (seconds; 0 = none). */
  static <T> T withTimeout(AvaticaStatement statement, AtomicBoolean cancelFlag, int timeoutSeconds,
      Execution<T> execution) throws SQLException {
    // A new execution: an earlier cancel() must not fail this one (Avatica never clears the flag).
    cancelFlag.set(false);
    if (timeoutSeconds <= 0) {
      return execution.run();
    }
    AtomicBoolean fired = new AtomicBoolean();
    ScheduledFuture<?> timer = TIMER.schedule(() -> {
      fired.set(true);
      try {
        statement.cancel();
      } catch (SQLException e) {
        // closed meanwhile
      }
    }, timeoutSeconds, TimeUnit.SECONDS);
    try {
      T result = execution.run();
      if (fired.get()) {
        throw new SQLTimeoutException("statement timed out after " + timeoutSeconds
            + " s (query timeout) and was cancelled", "57014");
      }
      return result;
    } catch (SQLTimeoutException e) {
      throw e;
    } catch (SQLException | RuntimeException e) {
      if (fired.get()) {
        throw new SQLTimeoutException("statement timed out after " + timeoutSeconds
            + " s (query timeout) and was cancelled", "57014", e);
      }
      throw e;
    } finally {
      timer.cancel(false);
    }
  }

  /** One execute call. */
  interface Execution<T> {
    T run() throws SQLException;
  }
}
