package org.securemail.common.net;

import java.util.List;
import java.util.Optional;

/**
 * The settings of a {@link NetworkPolicy} as a service's configuration group declares them (delivery and the
 * provisioning API extend it and give {@link #allowedPorts()} its default, {@link NetworkPolicy#SMTP_PORTS}).
 */
public interface NetworkSettings {

    /** Networks allowed despite being internal, e.g. {@code 127.0.0.0/8} for the local stack. */
    Optional<List<String>> allowedNetworks();

    /** Ports, or ranges {@code low-high}, a next hop may use. */
    String allowedPorts();

    default NetworkPolicy policy() {
        return NetworkPolicy.of(allowedNetworks().orElse(List.of()), allowedPorts());
    }
}
