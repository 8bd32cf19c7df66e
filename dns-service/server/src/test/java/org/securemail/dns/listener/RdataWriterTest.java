package org.securemail.dns.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsType;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Presentation form back to RDATA, read back with dnsjava (an independent implementation of RFC 1035). */
class RdataWriterTest {

    private static Record parsed(DnsType type, String data) throws Exception {
        ByteBuf rdata = RdataWriter.rdata(type, data);
        assertThat(rdata).as("rdata of %s %s", type, data).isNotNull();
        byte[] bytes = ByteBufUtil.getBytes(rdata);
        rdata.release();
        return Record.newRecord(Name.fromString("example.org."), Type.value(type.name()), DClass.IN, 300, bytes);
    }

    @Test
    void addressesAreFourAndSixteenBytes() throws Exception {
        assertThat(parsed(DnsType.A, "192.0.2.1").rdataToString()).isEqualTo("192.0.2.1");
        assertThat(((org.xbill.DNS.AAAARecord) parsed(DnsType.AAAA, "2001:db8::1")).getAddress())
                .isEqualTo(java.net.InetAddress.getByName("2001:db8::1"));
    }

    @Test
    void anAddressOfTheOtherFamilyIsLeftOut() {
        assertThat(RdataWriter.rdata(DnsType.A, "2001:db8::1")).isNull();
        assertThat(RdataWriter.rdata(DnsType.AAAA, "192.0.2.1")).isNull();
        assertThat(RdataWriter.rdata(DnsType.A, "mx.example.org")).isNull();
    }

    @Test
    void namesAreWrittenAsLabels() throws Exception {
        assertThat(parsed(DnsType.MX, "10 mx1.example.org").rdataToString()).isEqualTo("10 mx1.example.org.");
        assertThat(parsed(DnsType.CNAME, "edge.example.net").rdataToString()).isEqualTo("edge.example.net.");
        assertThat(parsed(DnsType.NS, "ns1.example.org").rdataToString()).isEqualTo("ns1.example.org.");
        assertThat(parsed(DnsType.PTR, "host.example.net").rdataToString()).isEqualTo("host.example.net.");
    }

    @Test
    void soaKeepsItsFiveNumbers() throws Exception {
        assertThat(parsed(DnsType.SOA, "ns1.example.org hostmaster.example.org 4294967295 7200 3600 1209600 300")
                .rdataToString()).isEqualTo("ns1.example.org. hostmaster.example.org. 4294967295 7200 3600 1209600 300");
    }

    @Test
    void tlsaKeepsItsDigest() throws Exception {
        assertThat(parsed(DnsType.TLSA, "3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6")
                .rdataToString()).isEqualToIgnoringCase("3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6");
    }

    @Test
    void longTextIsSplitInto255ByteStringsThatJoinBackToIt() throws Exception {
        String text = "v=spf1 " + "include:_spf%d.example.org ".repeat(20).formatted(
                java.util.stream.IntStream.range(0, 20).boxed().toArray()) + "-all";
        TXTRecord txt = (TXTRecord) parsed(DnsType.TXT, text);
        assertThat(txt.getStrings()).hasSize((text.length() + 254) / 255);
        assertThat(txt.getStrings()).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(255));
        assertThat(String.join("", txt.getStrings())).isEqualTo(text);
    }

    @Test
    void emptyTextIsOneEmptyString() throws Exception {
        assertThat(((TXTRecord) parsed(DnsType.TXT, "")).getStrings()).containsExactly("");
    }

    @Test
    void malformedValuesAreLeftOutNotThrown() {
        assertThat(RdataWriter.rdata(DnsType.MX, "ten mx.example.org")).isNull();
        assertThat(RdataWriter.rdata(DnsType.MX, "70000 mx.example.org")).isNull();
        assertThat(RdataWriter.rdata(DnsType.MX, "10")).isNull();
        assertThat(RdataWriter.rdata(DnsType.CNAME, "a..example.org")).isNull();
        assertThat(RdataWriter.rdata(DnsType.CNAME, "x".repeat(64) + ".example.org")).isNull();
        assertThat(RdataWriter.rdata(DnsType.NS, ("abcdefghi.".repeat(26)) + "org")).isNull();
        assertThat(RdataWriter.rdata(DnsType.SOA, "ns1.example.org hostmaster.example.org 1 2 3")).isNull();
        assertThat(RdataWriter.rdata(DnsType.TLSA, "3 1 1 zz")).isNull();
        assertThat(RdataWriter.rdata(DnsType.TLSA, "300 1 1 00")).isNull();
    }
}
