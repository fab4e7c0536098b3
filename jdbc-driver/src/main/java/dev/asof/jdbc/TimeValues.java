package dev.asof.jdbc;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.TimeZone;

/**
 * The conversions between the gateway's timestamp wire values and Java's time types.
 *
 * <p>A {@code TIMESTAMP} is a wall-clock time without zone; the gateway sends it as epoch
 * microseconds of that wall clock read as UTC. As JDBC requires, a {@link Timestamp} shows the same
 * wall clock in the connection's time zone (its {@code timeZone} property, else the JVM default) or in
 * the zone of the {@link Calendar} passed to the getter or setter. A {@code TIMESTAMP WITH TIME ZONE}
 * is an instant; the gateway sends it as ISO-8601 text in UTC.
 */
final class TimeValues {
    /** {@code 2024-01-02 03:04:05.123456}: the fraction only as long as needed (none when zero). */
    private static final DateTimeFormatter SQL_TIMESTAMP = new DateTimeFormatterBuilder()
        .append(DateTimeFormatter.ISO_LOCAL_DATE)
        .appendLiteral(' ')
        .appendPattern("HH:mm:ss")
        .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
        .toFormatter();

    private TimeValues() {}

    /** The wall clock of {@code epochMicros} microseconds since 1970-01-01 00:00 (read as UTC). */
    static LocalDateTime fromEpochMicros(long epochMicros) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L),
            (int) Math.floorMod(epochMicros, 1_000_000L) * 1_000, ZoneOffset.UTC);
    }

    /** The wall clock of {@code epochMillis} milliseconds since 1970-01-01 00:00 (read as UTC). */
    static LocalDateTime fromEpochMillis(long epochMillis) {
        return fromEpochMicros(Math.multiplyExact(epochMillis, 1_000L));
    }

    /** Microseconds since 1970-01-01 00:00 of the wall clock {@code t} read as UTC; nanoseconds are truncated. */
    static long toEpochMicros(LocalDateTime t) {
        return Math.addExact(Math.multiplyExact(t.toEpochSecond(ZoneOffset.UTC), 1_000_000L), t.getNano() / 1_000);
    }

    /**
     * The {@link Timestamp} that shows wall clock {@code t} in {@code zone}. Built from calendar
     * fields, as {@link Timestamp#valueOf(LocalDateTime)} is, so that {@code toLocalDateTime()} gives
     * {@code t} back also before 1582 (where {@code java.util} dates count in the Julian calendar).
     */
    static Timestamp toTimestamp(LocalDateTime t, ZoneId zone) {
        if (t.getYear() > 1900) {
            // Where the zone has exactly one offset at t, both calendars give that instant; java.time
            // without a Calendar per value (bulk reads spent a third of their time building them).
            java.util.List<java.time.ZoneOffset> offsets = zone.getRules().getValidOffsets(t);
            if (offsets.size() == 1) {
                Timestamp out = new Timestamp(t.toEpochSecond(offsets.get(0)) * 1000L);
                out.setNanos(t.getNano());
                return out;
            }
        }
        GregorianCalendar c = new GregorianCalendar(TimeZone.getTimeZone(zone));
        c.clear();
        int year = t.getYear();
        if (year <= 0) {
            c.set(Calendar.ERA, GregorianCalendar.BC);
            year = 1 - year;
        }
        c.set(year, t.getMonthValue() - 1, t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
        Timestamp out = new Timestamp(c.getTimeInMillis());
        out.setNanos(t.getNano());
        return out;
    }

    /** The wall clock that {@code t} shows in {@code zone} (the inverse of {@link #toTimestamp}). */
    static LocalDateTime fromTimestamp(Timestamp t, ZoneId zone) {
        GregorianCalendar c = new GregorianCalendar(TimeZone.getTimeZone(zone));
        c.setTimeInMillis(t.getTime());
        int year = c.get(Calendar.YEAR);
        if (c.get(Calendar.ERA) == GregorianCalendar.BC) {
            year = 1 - year;
        }
        return LocalDateTime.of(year, c.get(Calendar.MONTH) + 1, c.get(Calendar.DAY_OF_MONTH),
            c.get(Calendar.HOUR_OF_DAY), c.get(Calendar.MINUTE), c.get(Calendar.SECOND), t.getNanos());
    }

    /** The zone of {@code calendar}, else {@code fallback}'s. */
    static ZoneId zone(Calendar calendar, Calendar fallback) {
        Calendar c = calendar != null ? calendar : fallback;
        return c == null ? ZoneId.systemDefault() : c.getTimeZone().toZoneId();
    }

    /** {@code 2024-01-02 03:04:05.123456}, as SQL prints timestamps, without trailing zeros. */
    static String format(LocalDateTime t) {
        return SQL_TIMESTAMP.format(t);
    }

    /** A zoned timestamp from the gateway ({@code 2024-01-02T03:04:05.123456Z}). */
    static OffsetDateTime parseZoned(String text) {
        return OffsetDateTime.parse(text);
    }

    /** The UTC wall clock of an instant: how a zoned value is bound as a {@code TIMESTAMP} parameter. */
    static LocalDateTime utcWallClock(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** Midnight starting {@code date}. */
    static LocalDateTime startOf(LocalDate date) {
        return date.atTime(LocalTime.MIDNIGHT);
    }
}
