package org.securemail.common.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.securemail.common.topics.TopicSpec;
import org.securemail.common.topics.Topics;

/** The declaration of who may use which topic: the properties the ACLs exist for (issue 13). */
class KafkaAccessTest {

    private static final Set<String> CATALOGUE = Topics.all().stream().map(TopicSpec::name).collect(Collectors.toSet());

    @Test
    void everyDeclaredTopicIsInTheCatalogue() {
        for (ServiceAccess access : KafkaAccess.all()) {
            assertThat(CATALOGUE).as(access.principal() + " reads").containsAll(access.reads());
            assertThat(CATALOGUE).as(access.principal() + " writes").containsAll(access.writes());
        }
    }

    @Test
    void onlyTheProvisioningApiWritesTheProvisioningTopics() {
        for (String topic : CATALOGUE.stream().filter(t -> t.startsWith("provisioning.")).toList()) {
            assertThat(writers(topic)).as(topic).containsExactly("provisioning-api");
        }
    }

    @Test
    void onlyTheDnsServiceWritesTheCacheAndTheAnswers() {
        assertThat(writers(Topics.DNS_CACHE)).containsExactly("dns-service");
        assertThat(writers(Topics.DNS_QUERIES_REPLIES)).containsExactly("dns-service");
    }

    @Test
    void onlyIngestWritesAcceptedMailAndTheDnsServiceReadsNoMail() {
        // the API only to replay a dead letter onto the topic it failed on (an operator's action, ADR 0084)
        assertThat(writers(Topics.MAIL_ACCEPTED)).containsExactly("ingest-service", "provisioning-api");
        assertThat(KafkaAccess.DNS.reads()).noneMatch(t -> t.startsWith("mail.") || t.startsWith("provisioning."));
        assertThat(KafkaAccess.DELIVERY.mayRead(Topics.PROVISIONING_USERS)).isFalse();
        assertThat(KafkaAccess.INGEST.mayWrite(Topics.PROVISIONING_DOMAINS)).isFalse();
    }

    @Test
    void everyTopicThatIsReadIsWrittenBySomeone() {
        for (ServiceAccess access : KafkaAccess.all()) {
            for (String topic : access.reads()) {
                assertThat(writers(topic)).as(access.principal() + " reads " + topic).isNotEmpty();
            }
        }
    }

    @Test
    void groupsBelongToOneServiceEach() {
        for (ServiceAccess a : KafkaAccess.all()) {
            for (ServiceAccess b : KafkaAccess.all()) {
                if (a != b) {
                    assertThat(a.groups()).as(a.principal() + " / " + b.principal()).noneMatch(b::mayJoin);
                    assertThat(a.groupPrefixes()).noneMatch(b::mayJoin);
                }
            }
        }
        assertThat(KafkaAccess.INGEST.mayJoin("ingest-service-dns-replies-0f1e")).isTrue();
        assertThat(KafkaAccess.INGEST.mayJoin("delivery-mail-in")).isFalse();
    }

    @Test
    void aReadIsReadAndDescribeAWriteIsWriteAndDescribeAGroupIsRead() {
        List<AclRules.Rule> rules = AclRules.of(KafkaAccess.DNS);
        assertThat(rules).anySatisfy(rule -> {
            assertThat(rule.resource().name()).isEqualTo(Topics.DNS_CACHE);
            assertThat(rule.operations()).containsExactlyInAnyOrder(AclOperation.READ, AclOperation.WRITE,
                    AclOperation.DESCRIBE);
        });
        assertThat(rules).anySatisfy(rule -> {
            assertThat(rule.resource().name()).isEqualTo(Topics.DNS_QUERIES_REPLIES);
            assertThat(rule.operations()).containsExactlyInAnyOrder(AclOperation.WRITE, AclOperation.DESCRIBE);
        });
        assertThat(AclRules.of(KafkaAccess.INGEST)).anySatisfy(rule -> {
            assertThat(rule.resource().resourceType()).isEqualTo(ResourceType.GROUP);
            assertThat(rule.resource().patternType()).isEqualTo(PatternType.PREFIXED);
            assertThat(rule.resource().name()).isEqualTo("ingest-service-dns-");
            assertThat(rule.operations()).containsExactly(AclOperation.READ);
        });
        assertThat(AclRules.bindings(KafkaAccess.DNS)).allSatisfy(b -> {
            assertThat(b.entry().principal()).isEqualTo("User:dns-service");
            assertThat(b.entry().host()).isEqualTo("*");
        });
    }

    @Test
    void wildcardsAndBareGroupPrefixesAreRefused() {
        assertThatThrownBy(() -> new ServiceAccess("x-service", Set.of("*"), Set.of(), Set.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ServiceAccess("x-service", Set.of(), Set.of(), Set.of(), Set.of("x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ServiceAccess("User:x", Set.of(), Set.of(), Set.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> writers(String topic) {
        return KafkaAccess.all().stream().filter(a -> a.mayWrite(topic)).map(ServiceAccess::principal).sorted().toList();
    }
}
