package org.securemail.common.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SuppressionRecordTest {

    @Test
    void localPartAndDomainAreComparedInLowerCaseWithTheDomainAsALabels() {
        assertThat(SuppressionRecord.address("Bob.Smith@Example.COM.")).contains("bob.smith@example.com");
        assertThat(SuppressionRecord.address("Bob", "BÜCHER.example")).contains("bob@xn--bcher-kva.example");
        assertThat(SuppressionRecord.address("a@b@example.com")).contains("a@b@example.com");
    }

    @Test
    void addressesBeyondRfc5321LengthsOrWithoutAHostNameAreRefused() {
        assertThat(SuppressionRecord.address("x".repeat(64) + "@example.com")).isPresent();
        assertThat(SuppressionRecord.address("x".repeat(65) + "@example.com")).isEmpty();
        // 64 + 1 + 191 = 256 octets: too many for a path (254)
        String domain = ("a".repeat(62) + ".").repeat(3) + "a".repeat(2);
        assertThat(SuppressionRecord.address("x".repeat(64), domain)).isEmpty();
        assertThat(SuppressionRecord.address("x".repeat(60), domain)).isPresent();
        assertThat(SuppressionRecord.address("bob@[192.0.2.1]")).isEmpty();
        assertThat(SuppressionRecord.address("bob@localhost")).isEmpty();
        assertThat(SuppressionRecord.address("@example.com")).isEmpty();
        assertThat(SuppressionRecord.address("no-at-sign")).isEmpty();
        assertThat(SuppressionRecord.address(null)).isEmpty();
    }

    @Test
    void theKeyStartsWithTheTenantSoATombstoneNamesOneTenantsEntry() {
        SuppressionRecord r = new SuppressionRecord("t1", "bob@example.com", SuppressionReason.MANUAL);
        assertThat(r.key()).isEqualTo("t1/bob@example.com");
        assertThat(SuppressionRecord.domainOf(r.address())).isEqualTo("example.com");
    }
}
