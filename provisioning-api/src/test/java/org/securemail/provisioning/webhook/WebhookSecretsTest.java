package org.securemail.provisioning.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class WebhookSecretsTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String OTHER_KEY = Base64.getEncoder().encodeToString("another key of thirty-two bytes!".getBytes());

    @Test
    void aSecretIsWhsecAndThirtyTwoRandomBytes() {
        WebhookSecrets secrets = new WebhookSecrets(Optional.empty());
        String a = secrets.generate();
        String b = secrets.generate();
        assertThat(a).startsWith("whsec_").hasSize("whsec_".length() + 43).isNotEqualTo(b);
        assertThat(Base64.getUrlDecoder().decode(a.substring(6))).hasSize(32);
    }

    @Test
    void aSealedSecretIsNotInTheStoredFormAndOpensOnlyForItsEndpointAndKey() {
        WebhookSecrets secrets = new WebhookSecrets(Optional.of(KEY));
        UUID endpoint = UUID.randomUUID();
        String secret = secrets.generate();

        String stored = secrets.seal(endpoint, secret);

        assertThat(stored).startsWith("v1:").doesNotContain(secret).doesNotContain(secret.substring(6));
        assertThat(secrets.seal(endpoint, secret)).isNotEqualTo(stored); // a new nonce each time
        assertThat(secrets.open(endpoint, stored)).isEqualTo(secret);
        assertThatThrownBy(() -> secrets.open(UUID.randomUUID(), stored)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new WebhookSecrets(Optional.of(OTHER_KEY)).open(endpoint, stored))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new WebhookSecrets(Optional.empty()).open(endpoint, stored))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("secret-key is not set");
    }

    @Test
    void withoutAKeySecretsAreStoredPlainAndStillOpenOnceAKeyIsSet() {
        UUID endpoint = UUID.randomUUID();
        String stored = new WebhookSecrets(Optional.empty()).seal(endpoint, "whsec_abc");

        assertThat(stored).isEqualTo("plain:whsec_abc");
        assertThat(new WebhookSecrets(Optional.of(KEY)).open(endpoint, stored)).isEqualTo("whsec_abc");
    }

    @Test
    void aKeyThatIsNotThirtyTwoBytesOfBase64StopsTheStart() {
        assertThatThrownBy(() -> new WebhookSecrets(Optional.of("short"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookSecrets(Optional.of(Base64.getEncoder().encodeToString(new byte[16]))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
        assertThat(new WebhookSecrets(Optional.of(" ")).sealing()).isFalse();
    }
}
