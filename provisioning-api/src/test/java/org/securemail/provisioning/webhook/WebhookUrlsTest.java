package org.securemail.provisioning.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.securemail.common.net.NetworkPolicy;
import org.securemail.provisioning.error.ApiProblem;

/** The URL rules with the production defaults: no internal address, https on 443 and 8443 only. */
class WebhookUrlsTest {

    private static final NetworkPolicy DEFAULTS = NetworkPolicy.of(List.of(), "443,8443");

    @Test
    void aPublicHttpsUrlIsKeptWithItsHostNormalised() {
        assertThat(WebhookUrls.normalise(" https://Hooks.Example.COM./in?x=1&y=%20 ", DEFAULTS, false))
                .hasToString("https://hooks.example.com/in?x=1&y=%20");
        assertThat(WebhookUrls.normalise("https://bücher.example:8443", DEFAULTS, false))
                .hasToString("https://xn--bcher-kva.example:8443/");
        assertThat(WebhookUrls.normalise("https://192.0.2.10/h", DEFAULTS, false)).hasToString("https://192.0.2.10/h");
        assertThat(WebhookUrls.normalise("https://[2001:db8::1]/h", DEFAULTS, false)).hasToString("https://[2001:db8::1]/h");
    }

    /** Loopback, private, link-local (cloud metadata), shared, unspecified, and IPv6 forms of them: refused by default. */
    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1/h", "https://10.1.2.3/h", "https://172.16.0.1/h", "https://192.168.1.1/h",
            "https://169.254.169.254/latest/meta-data", "https://100.64.0.1/h", "https://0.0.0.0/h", "https://[::1]/h",
            "https://[::ffff:127.0.0.1]/h", "https://[fd00::1]/h", "https://[fe80::1]/h", "https://[64:ff9b::a00:1]/h"})
    void anInternalAddressIsRefusedByDefault(String url) {
        assertThatThrownBy(() -> WebhookUrls.normalise(url, DEFAULTS, true)).isInstanceOfSatisfying(ApiProblem.class,
                p -> assertThat(p.errors()).singleElement().satisfies(e -> {
                    assertThat(e.field()).isEqualTo("url");
                    assertThat(e.message()).contains("internal address");
                }));
    }

    @Test
    void anOperatorAllowsANetworkAndMorePorts() {
        NetworkPolicy lab = NetworkPolicy.of(List.of("127.0.0.0/8"), "1-65535");
        assertThat(WebhookUrls.normalise("http://127.0.0.1:8089/h", lab, true)).hasToString("http://127.0.0.1:8089/h");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://hooks.example.com/h", "ftp://hooks.example.com/h", "hooks.example.com/h",
            "https:hooks", "https://user:pw@hooks.example.com/h", "https://hooks.example.com/h#frag",
            "https://hooks.example.com:8080/h", "https://hooks.example.com:22/h", "https://under_score.example/h",
            "https:///h", "https://300.1.1.1/h", "https://hooks.example.com/a b", "javascript:alert(1)", ""})
    void badUrlsAreRefusedNamingTheField(String url) {
        assertThatThrownBy(() -> WebhookUrls.normalise(url, DEFAULTS, false)).isInstanceOfSatisfying(ApiProblem.class,
                p -> assertThat(p.errors()).extracting(e -> e.field()).containsExactly("url"));
    }

    @Test
    void httpOnlyWhereTheOperatorAllowsIt() {
        assertThatThrownBy(() -> WebhookUrls.normalise("http://hooks.example.com:443/h", DEFAULTS, false))
                .isInstanceOf(ApiProblem.class).hasMessageContaining("https");
        assertThat(WebhookUrls.normalise("http://hooks.example.com:443/h", DEFAULTS, true))
                .hasToString("http://hooks.example.com:443/h");
    }

    @Test
    void aUrlLongerThan2048CharactersIsRefused() {
        String url = "https://hooks.example.com/" + "a".repeat(2048);
        assertThatThrownBy(() -> WebhookUrls.normalise(url, DEFAULTS, false)).isInstanceOf(ApiProblem.class)
                .hasMessageContaining("2048");
    }
}
