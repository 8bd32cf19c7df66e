package org.securemail.dns.listener;

import java.util.List;

import org.securemail.common.dns.DnsRecordData;

/** What the listener answers a question with: a response code and the answer records. */
record Reply(ReplyCode code, List<DnsRecordData> records) {

    Reply {
        records = List.copyOf(records);
    }

    static Reply of(ReplyCode code) {
        return new Reply(code, List.of());
    }
}
