package org.securemail.ingest.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.provisioning.RecipientRecord;
import org.securemail.common.provisioning.SmtpUserRecord;
import org.securemail.ingest.reply.Reply;

class RelayPolicyTest {

    private ProvisioningState state;
    private RelayPolicy policy;

    private static DomainRecord domain(String name, String tenant, boolean inbound, boolean listOnly, boolean out,
            long version) {
        return new DomainRecord(name, tenant, inbound, List.of(), listOnly, 0, out, null, version);
    }

    @BeforeEach
    void setUp() {
        state = new ProvisioningState();
        policy = new RelayPolicy(state);
        state.putDomain("in.example", domain("in.example", "t1", true, false, false, 1));
        state.putDomain("list.example", domain("list.example", "t1", true, true, false, 1));
        state.putDomain("out.example", domain("out.example", "t2", false, false, true, 1));
        state.putRecipient("alice@list.example", new RecipientRecord("list.example", "alice", "t1"));
    }

    @Test
    void answers451UntilTheTopicsWereReadToTheEnd() {
        assertThat(policy.inbound("x", "in.example").reply()).isEqualTo(Reply.NOT_READY);
        state.markCaughtUp();
        assertThat(policy.inbound("x", "in.example").accepted()).isTrue();
    }

    @Test
    void inboundDecisions() {
        state.markCaughtUp();
        assertThat(policy.inbound("x", "IN.Example.").tenantId()).isEqualTo("t1");
        assertThat(policy.inbound("x", "nowhere.example").reply()).isEqualTo(Reply.RELAY_DENIED);
        assertThat(policy.inbound("x", "out.example").reply()).isEqualTo(Reply.RELAY_DENIED);
        assertThat(policy.inbound("bob", "list.example").reply()).isEqualTo(Reply.UNKNOWN_USER);
        assertThat(policy.inbound("ALICE", "list.example").accepted()).isTrue();
    }

    @Test
    void tombstonesAndOlderVersionsAreApplied() {
        state.markCaughtUp();
        state.putDomain("in.example", domain("in.example", "t1", false, false, false, 0)); // stale version ignored
        assertThat(policy.inbound("x", "in.example").accepted()).isTrue();
        state.putDomain("in.example", null);
        assertThat(policy.inbound("x", "in.example").reply()).isEqualTo(Reply.RELAY_DENIED);
        state.putRecipient("alice@list.example", null);
        assertThat(policy.inbound("alice", "list.example").reply()).isEqualTo(Reply.UNKNOWN_USER);
    }

    @Test
    void domainSizeLimitOnlyLowersThePlatformLimit() {
        state.putDomain("small.example", new DomainRecord("small.example", "t1", true, List.of(), false, 1000, false,
                null, 1));
        state.putDomain("huge.example", new DomainRecord("huge.example", "t1", true, List.of(), false, 1L << 40, false,
                null, 1));
        assertThat(policy.sizeLimit("small.example", 5000)).isEqualTo(1000);
        assertThat(policy.sizeLimit("huge.example", 5000)).isEqualTo(5000);
        assertThat(policy.sizeLimit("in.example", 5000)).isEqualTo(5000); // 0 = platform default
        assertThat(policy.sizeLimit("unknown.example", 5000)).isEqualTo(5000);
    }

    @Test
    void senderMustBelongToTheUsersTenant() {
        state.markCaughtUp();
        SmtpUserRecord bob = new SmtpUserRecord("bob", "t2", "$2b$04$x", true, 1);
        SmtpUserRecord eve = new SmtpUserRecord("eve", "t1", "$2b$04$x", true, 1);
        assertThat(policy.checkSender(bob, "out.example")).isEmpty();
        assertThat(policy.checkSender(eve, "out.example")).contains(Reply.SENDER_NOT_OWNED);
        assertThat(policy.checkSender(eve, "in.example")).contains(Reply.SENDER_NOT_OWNED); // outbound not allowed
        assertThat(policy.checkSender(bob, null)).contains(Reply.SENDER_NOT_OWNED);
    }
}
