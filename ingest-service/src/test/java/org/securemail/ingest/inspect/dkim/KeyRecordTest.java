package org.securemail.ingest.inspect.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;

import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

/** Key records, RFC 6376 §3.6.1, RFC 8463 §4.2, RFC 8301 §3.2. */
class KeyRecordTest {

    private static final SignatureAlgorithm RSA = SignatureAlgorithm.RSA_SHA256;
    private static final SignatureAlgorithm ED = SignatureAlgorithm.ED25519_SHA256;
    private static final DkimLimits LIMITS = DkimLimits.defaults();

    @Test
    void rsaKeyFromOpendkimGenkeyIsUsable() {
        DkimKey key = DkimKey.parse(Fixtures.keyRecord("rsa2048"), RSA, LIMITS);

        assertThat(key.type()).isEqualTo(SignatureAlgorithm.KeyType.RSA);
        assertThat(key.testing()).isFalse();
        assertThat(key.strict()).isFalse();
    }

    @Test
    void bareRsaPublicKeyAsSection361NamesItIsAccepted() throws Exception {
        String spki = Fixtures.keyRecord("rsa2048").replaceAll(".*p=", "");
        byte[] pkcs1 = SubjectPublicKeyInfo.getInstance(Base64.getDecoder().decode(spki)).parsePublicKey()
                .getEncoded();

        DkimKey key = DkimKey.parse("p=" + Base64.getEncoder().encodeToString(pkcs1), RSA, LIMITS);

        assertThat(key.key().getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void emptyPublicKeyMeansRevoked() {
        assertThatThrownBy(() -> DkimKey.parse("v=DKIM1; k=rsa; p=", RSA, LIMITS))
                .isInstanceOf(DkimFailure.class).hasMessageContaining("revoked");
    }

    @Test
    void rsaKeyBelow1024BitsIsRefused() {
        assertThatThrownBy(() -> DkimKey.parse(Fixtures.keyRecord("weak512"), RSA, LIMITS))
                .isInstanceOf(DkimFailure.class).hasMessageContaining("below 1024");
    }

    @Test
    void keyTypeMustMatchTheSignatureAlgorithm() {
        assertThatThrownBy(() -> DkimKey.parse(Fixtures.keyRecord("ed25519"), RSA, LIMITS))
                .isInstanceOf(DkimFailure.class).hasMessageContaining("does not match");
    }

    @Test
    void hashListMustAllowSha256() {
        String p = Fixtures.keyRecord("rsa2048").replaceAll(".*p=", "");

        assertThatThrownBy(() -> DkimKey.parse("v=DKIM1; h=sha1; p=" + p, RSA, LIMITS))
                .isInstanceOf(DkimFailure.class).hasMessageContaining("h=");
        assertThat(DkimKey.parse("v=DKIM1; h=sha1:sha256; p=" + p, RSA, LIMITS)).isNotNull();
    }

    @Test
    void serviceTypeMustBeEmailOrStar() {
        String p = Fixtures.keyRecord("rsa2048").replaceAll(".*p=", "");

        assertThatThrownBy(() -> DkimKey.parse("s=other; p=" + p, RSA, LIMITS))
                .isInstanceOf(DkimFailure.class).hasMessageContaining("not for email");
        assertThat(DkimKey.parse("s=other:email; p=" + p, RSA, LIMITS)).isNotNull();
        assertThat(DkimKey.parse("s=*; p=" + p, RSA, LIMITS)).isNotNull();
    }

    @Test
    void versionWhenPresentMustBeTheFirstTagAndDkim1() {
        String p = Fixtures.keyRecord("rsa2048").replaceAll(".*p=", "");

        assertThatThrownBy(() -> DkimKey.parse("k=rsa; v=DKIM1; p=" + p, RSA, LIMITS))
                .isInstanceOf(DkimFailure.class);
        assertThatThrownBy(() -> DkimKey.parse("v=DKIM2; p=" + p, RSA, LIMITS)).isInstanceOf(DkimFailure.class);
    }

    @Test
    void testingAndStrictFlagsAreRead() {
        String p = Fixtures.keyRecord("rsa2048").replaceAll(".*p=", "");

        DkimKey key = DkimKey.parse("v=DKIM1; t=y:s:future; p=" + p, RSA, LIMITS);

        assertThat(key.testing()).isTrue();
        assertThat(key.strict()).isTrue();
    }

    @Test
    void ed25519KeyIsTheRaw32OctetKey() {
        assertThat(DkimKey.parse(Fixtures.keyRecord("ed25519"), ED, LIMITS).type())
                .isEqualTo(SignatureAlgorithm.KeyType.ED25519);
        // the 44-octet SubjectPublicKeyInfo form is not what RFC 8463 publishes
        String spkiForm = "k=ed25519; p=MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
        assertThatThrownBy(() -> DkimKey.parse(spkiForm, ED, LIMITS))
                .isInstanceOf(DkimFailure.class).hasMessageContaining("32 octets");
    }

    @Test
    void base64GarbageOrNonKeyIsPermerror() {
        assertThatThrownBy(() -> DkimKey.parse("p=!!!not-base64", RSA, LIMITS))
                .isInstanceOf(DkimFailure.class).hasMessageContaining("not base64");
        assertThatThrownBy(() -> DkimKey.parse("p=aGVsbG8gd29ybGQ=", RSA, LIMITS))
                .isInstanceOf(DkimFailure.class).hasMessageContaining("not an RSA public key");
    }

    @Test
    void unknownKeyTypeIsPermerror() {
        assertThatThrownBy(() -> DkimKey.parse("k=dsa; p=AAAA", RSA, LIMITS))
                .isInstanceOf(DkimFailure.class).hasMessageContaining("unknown key type");
    }
}
