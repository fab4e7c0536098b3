package dev.asof.planner.validate;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Close candidates for a name the user mistyped, by edit distance. */
public final class NameSuggestions {
    private NameSuggestions() {}

    /** Up to {@code limit} names within a small edit distance of {@code name}, closest first. */
    public static List<String> closest(String name, Collection<String> known, int limit) {
        String target = name.toLowerCase(Locale.ROOT);
        int maxDistance = Math.max(2, target.length() / 3);
        return known.stream()
                .distinct()
                .map(k -> new Scored(k, distance(target, k.toLowerCase(Locale.ROOT))))
                .filter(s -> s.distance <= maxDistance
                        || s.name.toLowerCase(Locale.ROOT).endsWith("." + target))
                .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
                .limit(limit)
                .map(Scored::name)
                .toList();
    }

    /** {@code "; did you mean 'a' or 'b'?"}, or empty when there is no candidate. */
    public static String hint(String name, Collection<String> known) {
        List<String> c = closest(name, known, 3);
        if (c.isEmpty()) {
            return "";
        }
        return "; did you mean " + String.join(" or ", c.stream().map(s -> "'" + s + "'").toList()) + "?";
    }

    private record Scored(String name, int distance) {}

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
