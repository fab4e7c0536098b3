package dev.asof.gateway.metadata;

import java.util.regex.Pattern;

/** Metadata name filters (JDBC and Flight SQL): SQL LIKE patterns matched case-insensitively. */
final class LikePattern {
    private LikePattern() {}

    /** {@code %} any run, {@code _} one character, everything else literal; null matches all. */
    static Pattern compile(String pattern) {
        if (pattern == null) {
            return Pattern.compile(".*", Pattern.DOTALL);
        }
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '%' -> regex.append(".*");
                case '_' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }
}
