package org.securemail.dns.listener;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.securemail.common.net.Cidr;

/** The client networks the listener answers; everyone else gets REFUSED. */
record Acl(List<Cidr> networks) {

    Acl {
        networks = List.copyOf(networks);
    }

    /** @throws IllegalArgumentException for an entry that is not an IP network */
    static Acl of(List<String> allow, Optional<String> podNetwork) {
        List<Cidr> networks = new ArrayList<>();
        allow.stream().filter(s -> !s.isBlank()).map(Cidr::parse).forEach(networks::add);
        podNetwork.filter(s -> !s.isBlank()).map(Cidr::parse).ifPresent(networks::add);
        return new Acl(networks);
    }

    boolean allows(InetAddress address) {
        return networks.stream().anyMatch(n -> n.contains(address));
    }
}
