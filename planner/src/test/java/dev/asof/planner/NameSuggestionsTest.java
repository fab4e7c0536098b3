package dev.asof.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.planner.validate.NameSuggestions;
import java.util.List;
import org.junit.jupiter.api.Test;

class NameSuggestionsTest {
    private static final List<String> KNOWN = List.of(
            "customer_profile", "customer_spend", "customers", "lake.crm.customers", "crm.customers",
            "transactions", "labels");

    @Test
    void closestFirstThenAlphabetical() {
        // customer_profil: distance 1 to customer_profile; customer_spend is 6 away (> 15 / 3).
        assertThat(NameSuggestions.closest("customer_profil", KNOWN, 3)).containsExactly("customer_profile");
        // "customer" is 1 from "customers" and 7+ from the rest; the qualified names end with ".customers",
        // not ".customer", so they are not suggested.
        assertThat(NameSuggestions.closest("customer", KNOWN, 3)).containsExactly("customers");
    }

    @Test
    void caseIsIgnoredAndTiesAreAlphabetical() {
        assertThat(NameSuggestions.closest("LABLES", KNOWN, 3)).containsExactly("labels");
        // "cat" and "car" are both one edit from "cab": equal distance, alphabetical order.
        assertThat(NameSuggestions.closest("cab", List.of("cat", "car", "dog"), 5)).containsExactly("car", "cat");
    }

    @Test
    void qualifiedNamesEndingWithTheNameAreCandidates() {
        // Exact match first (distance 0), then the qualified spellings that end with ".customers"
        // (distances 4 and 9, beyond the limit of 3 for a 9-letter name, but listed because they end
        // with the name), nearer first. customer_spend (distance 5) is not a candidate.
        assertThat(NameSuggestions.closest("customers", KNOWN, 5))
                .containsExactly("customers", "crm.customers", "lake.crm.customers");
        assertThat(NameSuggestions.closest("customers", KNOWN, 2)).containsExactly("customers", "crm.customers");
    }

    @Test
    void nothingCloseMeansNoHint() {
        assertThat(NameSuggestions.closest("zzz", KNOWN, 3)).isEmpty();
        assertThat(NameSuggestions.hint("zzz", KNOWN)).isEmpty();
    }

    @Test
    void hintListsUpToThreeQuotedCandidates() {
        assertThat(NameSuggestions.hint("lables", KNOWN)).isEqualTo("; did you mean 'labels'?");
        assertThat(NameSuggestions.hint("cab", List.of("cat", "car", "cap", "can", "dog")))
                .isEqualTo("; did you mean 'can' or 'cap' or 'car'?");
    }

    @Test
    void duplicatesAreListedOnce() {
        assertThat(NameSuggestions.closest("labels", List.of("labels", "labels", "Labels"), 5))
                .containsExactly("Labels", "labels");
    }
}
