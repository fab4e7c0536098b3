package dev.asof.gateway.admission;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The limits {@link WarehouseAdmission} enforces, resolved ({@link AdmissionSettings#limitsFor}).
 *
 * @param maxRunning warehouse statements running or open at once, in all
 * @param maxPerUser the same for one user
 * @param maxPerConnection the same for one JDBC connection or Flight SQL session
 * @param maxQueued statements that may wait for admission at once; 0: none waits
 * @param queueTimeout the longest a statement waits for admission; zero: it does not wait
 */
public record AdmissionLimits(int maxRunning, int maxPerUser, int maxPerConnection, int maxQueued,
        Duration queueTimeout) {
    public AdmissionLimits {
        if (maxRunning < 1 || maxPerUser < 1 || maxPerConnection < 1) {
            throw new IllegalArgumentException("admission limits must be at least 1");
        }
        if (maxQueued < 0) {
            throw new IllegalArgumentException("maxQueued must not be negative");
        }
        requireNonNull(queueTimeout, "queueTimeout");
        if (queueTimeout.isNegative()) {
            throw new IllegalArgumentException("queueTimeout must not be negative");
        }
    }
}
