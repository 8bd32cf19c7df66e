package org.securemail.dns.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.securemail.dns.listener.QueryScreen.Verdict;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** RFC 1035 4.1: what is a standard query, and what the short replies look like. */
class QueryScreenTest {

    static Message query(String name, int type) throws Exception {
        return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    }

    private static Verdict verdict(byte[] wire) {
        return QueryScreen.check(Unpooled.wrappedBuffer(wire)).verdict();
    }

    @Test
    void aStandardQueryIsAccepted() throws Exception {
        Message query = query("example.org.", Type.MX);
        query.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        assertThat(verdict(query.toWire())).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void shorterThanAHeaderOrAResponseIsDropped() throws Exception {
        assertThat(verdict(new byte[11])).isEqualTo(Verdict.DROP);
        Message response = query("example.org.", Type.A);
        response.getHeader().setFlag(Flags.QR);
        assertThat(verdict(response.toWire())).isEqualTo(Verdict.DROP);
    }

    @Test
    void otherOpcodesAreNotImplemented() throws Exception {
        Message notify = query("example.org.", Type.SOA);
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        assertThat(verdict(notify.toWire())).isEqualTo(Verdict.NOTIMP);
    }

    @Test
    void twoQuestionsOrNoneAreFormatErrors() throws Exception {
        Message two = query("example.org.", Type.A);
        two.addRecord(Record.newRecord(Name.fromString("example.net."), Type.A, DClass.IN), Section.QUESTION);
        assertThat(verdict(two.toWire())).isEqualTo(Verdict.FORMERR);
        byte[] none = query("example.org.", Type.A).toWire();
        none[5] = 0;
        assertThat(verdict(none)).isEqualTo(Verdict.FORMERR);
    }

    @Test
    void aLabelOver63OrAPointerInTheQuestionIsAFormatError() {
        byte[] header = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
        ByteBuf huge = Unpooled.buffer().writeBytes(header).writeByte(64).writeBytes(new byte[64]).writeByte(0)
                .writeShort(1).writeShort(1);
        assertThat(QueryScreen.check(huge).verdict()).isEqualTo(Verdict.FORMERR);
        ByteBuf pointer = Unpooled.buffer().writeBytes(header).writeByte(0xC0).writeByte(12).writeShort(1).writeShort(1);
        assertThat(QueryScreen.check(pointer).verdict()).isEqualTo(Verdict.FORMERR);
    }

    @Test
    void aNameOver255BytesIsAFormatError() {
        ByteBuf message = Unpooled.buffer().writeBytes(new byte[] {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
        for (int i = 0; i < 5; i++) {
            message.writeByte(60).writeBytes("a".repeat(60).getBytes());
        }
        message.writeByte(0).writeShort(1).writeShort(1);
        assertThat(QueryScreen.check(message).verdict()).isEqualTo(Verdict.FORMERR);
    }

    @Test
    void recordsPastTheEndOrTwoOptRecordsAreFormatErrors() throws Exception {
        byte[] claimsMore = query("example.org.", Type.A).toWire();
        claimsMore[11] = 3; // three additional records that are not there
        assertThat(verdict(claimsMore)).isEqualTo(Verdict.FORMERR);
        Message twoOpt = query("example.org.", Type.A);
        twoOpt.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        twoOpt.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        assertThat(verdict(twoOpt.toWire())).isEqualTo(Verdict.FORMERR);
    }

    @Test
    void aDotInsideALabelIsRefused() {
        ByteBuf message = Unpooled.buffer().writeBytes(new byte[] {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0})
                .writeByte(7).writeBytes("evil.co".getBytes()).writeByte(3).writeBytes("org".getBytes()).writeByte(0)
                .writeShort(1).writeShort(1);
        assertThat(QueryScreen.check(message).verdict()).isEqualTo(Verdict.REFUSED);
    }

    @Test
    void aReplyEchoesIdOpcodeRdAndTheQuestion() throws Exception {
        Message query = query("Example.ORG.", Type.MX);
        ByteBuf wire = Unpooled.wrappedBuffer(query.toWire());
        int questionEnd = QueryScreen.check(wire).questionEnd();

        ByteBuf reply = QueryScreen.reply(ByteBufAllocator.DEFAULT, wire, questionEnd, ReplyCode.REFUSED, true);
        Message parsed = new Message(io.netty.buffer.ByteBufUtil.getBytes(reply));

        assertThat(parsed.getHeader().getID()).isEqualTo(query.getHeader().getID());
        assertThat(parsed.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(parsed.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(parsed.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(parsed.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(parsed.getQuestion().getName().toString()).isEqualTo("Example.ORG.");
        assertThat(parsed.getQuestion().getType()).isEqualTo(Type.MX);
    }

    @Test
    void randomBytesNeverThrow() {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 5000; i++) {
            byte[] bytes = new byte[random.nextInt(80)];
            random.nextBytes(bytes);
            if (bytes.length > 5) {
                bytes[2] &= 0x07; // mostly queries, so the name and record walks run
                bytes[4] = 0;
                bytes[5] = 1;
            }
            assertThat(QueryScreen.check(Unpooled.wrappedBuffer(bytes)).verdict()).isNotNull();
        }
    }
}
