package org.securemail.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 13 item 6: every overlay under {@code deploy/k8s/overlays} renders, and every object it renders matches its
 * schema (unknown fields fail) and follows the rules of {@link Rules}. New files come in through the kustomizations.
 */
class RenderedManifestsTest {

    static List<String> overlays() {
        return Rendered.overlayNames();
    }

    @Test
    void theDevAndProductionOverlaysExist() {
        assertThat(overlays()).contains("dev", "production");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyRenderedObjectMatchesItsSchema(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        assertThat(rendered.objects()).as(overlay).hasSizeGreaterThan(10);
        assertThat(Schemas.check(rendered)).as(overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyRenderedObjectFollowsTheRules(String overlay) {
        assertThat(Rules.check(Rendered.overlay(overlay))).as(overlay).isEmpty();
    }
}
