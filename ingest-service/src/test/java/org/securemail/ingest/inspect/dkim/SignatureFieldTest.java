package org.securemail.ingest.inspect.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** DKIM-Signature tags, RFC 6376 §3.5. */
class SignatureFieldTest {

    private static final String BH = "bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=";

    @Test
    void defaultsAreSimpleSimpleAndTheDomainAsIdentity() {
        DkimSignature signature = parse("v=1; a=rsa-sha256; d=Example.ORG; s=sel; h=From; " + BH + "; b=AAAA");

        assertThat(signature.headerCanon()).isEqualTo(Canonicalization.SIMPLE);
        assertThat(signature.bodyCanon()).isEqualTo(Canonicalization.SIMPLE);
        assertThat(signature.domain()).isEqualTo("example.org");
        assertThat(signature.identity()).isEqualTo("@example.org");
        assertThat(signature.bodyLength()).isEmpty();
    }

    @Test
    void headerOnlyCanonicalizationLeavesTheBodySimple() {
        DkimSignature signature = parse("v=1; a=rsa-sha256; c=relaxed; d=example.org; s=sel; h=from; " + BH
                + "; b=AAAA");

        assertThat(signature.headerCanon()).isEqualTo(Canonicalization.RELAXED);
        assertThat(signature.bodyCanon()).isEqualTo(Canonicalization.SIMPLE);
    }

    @Test
    void missingRequiredTagIsPermerror() {
        assertThatThrownBy(() -> parse("v=1; a=rsa-sha256; d=example.org; s=sel; h=from; b=AAAA"))
                .isInstanceOf(DkimFailure.class).hasMessageContaining("bh=");
    }

    @Test
    void fromMustBeSigned() {
        assertThatThrownBy(() -> parse("v=1; a=rsa-sha256; d=example.org; s=sel; h=to:subject; " + BH + "; b=AAAA"))
                .isInstanceOf(DkimFailure.class).hasMessageContaining("From");
    }

    @Test
    void identityMustBeWithinTheSigningDomain() {
        assertThatThrownBy(() -> parse("v=1; a=rsa-sha256; d=example.org; s=sel; h=from; i=joe@example.com; " + BH
                + "; b=AAAA")).isInstanceOf(DkimFailure.class).hasMessageContaining("not within d=");
        assertThatThrownBy(() -> parse("v=1; a=rsa-sha256; d=example.org; s=sel; h=from; i=joe@badexample.org; "
                + BH + "; b=AAAA")).isInstanceOf(DkimFailure.class);
        assertThat(parse("v=1; a=rsa-sha256; d=example.org; s=sel; h=from; i=joe@mail.Example.org; " + BH
                + "; b=AAAA").identity()).isEqualTo("joe@mail.Example.org");
    }

    @Test
    void rsaSha1IsRefused() {
        assertThatThrownBy(() -> parse("v=1; a=rsa-sha1; d=example.org; s=sel; h=from; " + BH + "; b=AAAA"))
                .isInstanceOf(DkimFailure.class).hasMessageContaining("RFC 8301");
    }

    @Test
    void unknownVersionAlgorithmOrCanonicalizationIsPermerror() {
        assertThatThrownBy(() -> parse("v=2; a=rsa-sha256; d=example.org; s=sel; h=from; " + BH + "; b=AAAA"))
                .isInstanceOf(DkimFailure.class);
        assertThatThrownBy(() -> parse("v=1; a=rsa-sha512; d=example.org; s=sel; h=from; " + BH + "; b=AAAA"))
                .isInstanceOf(DkimFailure.class);
        assertThatThrownBy(() -> parse("v=1; a=rsa-sha256; c=bogus/simple; d=example.org; s=sel; h=from; " + BH
                + "; b=AAAA")).isInstanceOf(DkimFailure.class);
    }

    @Test
    void expiryMustComeAfterTheTimestamp() {
        assertThatThrownBy(() -> parse("v=1; a=rsa-sha256; d=example.org; s=sel; h=from; t=200; x=100; " + BH
                + "; b=AAAA")).isInstanceOf(DkimFailure.class).hasMessageContaining("x=");
    }

    @Test
    void timestampsLongerThanTwelveDigitsAreInfinite() {
        DkimSignature signature = parse("v=1; a=rsa-sha256; d=example.org; s=sel; h=from; t=1; "
                + "x=99999999999999999999; " + BH + "; b=AAAA");

        assertThat(signature.expiry()).hasValue(Long.MAX_VALUE);
    }

    @Test
    void queryMethodMustIncludeDnsTxt() {
        assertThatThrownBy(() -> parse("v=1; a=rsa-sha256; d=example.org; s=sel; h=from; q=http/well-known; " + BH
                + "; b=AAAA")).isInstanceOf(DkimFailure.class).hasMessageContaining("dns/txt");
    }

    @Test
    void badDomainOrSelectorIsPermerror() {
        assertThatThrownBy(() -> parse("v=1; a=rsa-sha256; d=exa mple..org; s=sel; h=from; " + BH + "; b=AAAA"))
                .isInstanceOf(DkimFailure.class);
        assertThatThrownBy(() -> parse("v=1; a=rsa-sha256; d=example.org; s=a/b; h=from; " + BH + "; b=AAAA"))
                .isInstanceOf(DkimFailure.class);
    }

    private static DkimSignature parse(String value) {
        return DkimSignature.parse(new HeaderField("DKIM-Signature", "DKIM-Signature: " + value),
                DkimLimits.defaults());
    }
}
