import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run by ShadedJarIT in a fresh JVM: many threads use the asof driver for the first time at once,
 * each through DriverManager, against a port where nothing listens. Every attempt must reach the
 * driver (which then reports that the gateway did not answer); none may find "No suitable driver".
 * Prints the counts and "done".
 */
public final class AsofFirstUseClient {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int threads = Integer.parseInt(args[1]);
        AtomicInteger reachedDriver = new AtomicInteger();
        AtomicInteger noDriver = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        Thread[] all = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            all[i] = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(url, "user", "password")) {
                    other.incrementAndGet();
                } catch (SQLException e) {
                    String message = String.valueOf(e.getMessage());
                    if (message.startsWith("No suitable driver")) {
                        noDriver.incrementAndGet();
                    } else if (message.startsWith("Cannot open a connection to the asof gateway")) {
                        reachedDriver.incrementAndGet();
                    } else {
                        other.incrementAndGet();
                        System.out.println("other=" + message);
                    }
                }
            });
            all[i].start();
        }
        for (Thread t : all) {
            t.join();
        }
        System.out.println("reached=" + reachedDriver.get());
        System.out.println("noDriver=" + noDriver.get());
        System.out.println("otherCount=" + other.get());
        System.out.println("done");
    }
}
