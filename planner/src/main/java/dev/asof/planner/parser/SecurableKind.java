package dev.asof.planner.parser;

/** The kinds of object a privilege can be granted on. */
public enum SecurableKind {
    FEATURE_VIEW("FEATURE VIEW"),
    SOURCE("SOURCE"),
    /** A warehouse table or view, by its qualified name. */
    TABLE("TABLE");

    private final String keyword;

    SecurableKind(String keyword) {
        this.keyword = keyword;
    }

    /** The words naming the kind in SQL, e.g. {@code FEATURE VIEW}. */
    public String keyword() {
        return keyword;
    }
}
