package org.securemail.provisioning.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HardBouncesTest {

    private static final String HOP = "mx.example.net[192.0.2.2]:25";

    @Test
    void aNextHopsPermanentReplyAboutTheMailboxSuppresses() {
        assertThat(HardBounces.suppresses(HOP, "550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown")).isTrue();
        assertThat(HardBounces.suppresses(HOP, "550-5.1.1 The email account that you tried to reach does not exist")).isTrue();
        assertThat(HardBounces.suppresses(HOP, "551 5.1.6 user has moved")).isTrue();
        assertThat(HardBounces.suppresses(HOP, "550 5.1.10 null MX")).isTrue();
        assertThat(HardBounces.suppresses(HOP, "554 5.2.1 mailbox disabled")).isTrue();
    }

    @Test
    void policyContentSenderAndFullMailboxRefusalsDoNotSuppress() {
        assertThat(HardBounces.suppresses(HOP, "550 5.7.1 message rejected as spam")).isFalse();
        assertThat(HardBounces.suppresses(HOP, "552 5.3.4 message too big")).isFalse();
        assertThat(HardBounces.suppresses(HOP, "552 5.2.2 mailbox full")).isFalse();
        assertThat(HardBounces.suppresses(HOP, "553 5.1.8 sender domain does not resolve")).isFalse();
        assertThat(HardBounces.suppresses(HOP, "550 5.1.11 not a code we know")).isFalse();
        assertThat(HardBounces.suppresses(HOP, "550 no such user")).isFalse(); // no enhanced code
        assertThat(HardBounces.suppresses(HOP, "450 4.1.1 try later")).isFalse();
        assertThat(HardBounces.suppresses(HOP, "550 4.1.1 inconsistent")).isFalse();
    }

    @Test
    void bouncesDeliveryMadeItselfDoNotSuppress() {
        // no next hop answered: DNS said NXDOMAIN or null MX, or the route was refused
        assertThat(HardBounces.suppresses(null, "550 5.1.2 Host or domain name not found")).isFalse();
        assertThat(HardBounces.suppresses(null, "550 5.1.10 recipient domain does not accept mail (null MX, RFC 7505)")).isFalse();
        assertThat(HardBounces.suppresses(HOP, "message expired after 5d in the queue; last error: 550 5.1.1 no")).isFalse();
        assertThat(HardBounces.suppresses(HOP, "554 5.4.6 mail for mx loops back to myself")).isFalse();
        assertThat(HardBounces.suppresses(HOP, null)).isFalse();
    }
}
