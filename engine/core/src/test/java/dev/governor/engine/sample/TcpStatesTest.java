package dev.governor.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.TcpConnections;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TcpStatesTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private static final String TCP = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1184 1 00000000bc9f4432 100 0 0 10 0
               1: 0100007F:6448 00000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 7419 1 00000000e99596ef 100 0 0 10 0
               2: 0100007F:9C40 0100007F:07E8 01 00000000:00000000 00:00000000 00000000     0        0 9000 1 0000000000000000 20 4 30 10 -1
               3: 0100007F:9C41 0100007F:07E8 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000
               4: 0100007F:9C42 0100007F:07E8 08 00000000:00000000 00:00000000 00000000     0        0 9001 1 0000000000000000 20 4 30 10 -1
               5: 0100007F:9C43 0100007F:07E8 04 00000000:00000000 00:00000000 00000000     0        0 9002 1 0000000000000000 20 4 30 10 -1
               6: 0100007F:9C44 0100007F:07E8 05 00000000:00000000 00:00000000 00000000     0        0 9003 1 0000000000000000 20 4 30 10 -1
            """;

    private static final String TCP6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000000000000000000001000000:1111 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 6720 1 00000000fa1c28fe 100 0 0 10 0
               1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:A000 01 00000000:00000000 00:00000000 00000000     0        0 6721 1 0000000000000000 20 4 30 10 -1
               2: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:A001 03 00000000:00000000 00:00000000 00000000     0        0 0 1 0000000000000000
               3: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:A002 0C 00000000:00000000 00:00000000 00000000     0        0 0 1 0000000000000000
               4: 0000000000000000FFFF00000100007F:A003 0000000000000000FFFF00000100007F:1F90 02 00000000:00000000 00:00000000 00000000     0        0 6722 1 0000000000000000
               5: 0000000000000000FFFF00000100007F:A004 0000000000000000FFFF00000100007F:1F90 09 00000000:00000000 00:00000000 00000000     0        0 6723 1 0000000000000000
               6: 0000000000000000FFFF00000100007F:A005 0000000000000000FFFF00000100007F:1F90 0B 00000000:00000000 00:00000000 00000000     0        0 6724 1 0000000000000000
               7: 0000000000000000FFFF00000100007F:A006 0000000000000000FFFF00000100007F:1F90 07 00000000:00000000 00:00000000 00000000     0        0 6725 1 0000000000000000
            """;

    @TempDir
    Path dir;

    @Test
    void countsEachStateOfBothTables() throws Exception {
        Path tcp = Files.writeString(dir.resolve("tcp"), TCP);
        Path tcp6 = Files.writeString(dir.resolve("tcp6"), TCP6);

        TcpConnections counts = TcpStates.procNetTcp(tcp, tcp6).count("db-1", AT);

        assertThat(counts).isEqualTo(new TcpConnections("db-1", 2, 3, 1, 2, 2, 1, 1, 1, 1, 15, AT));
    }

    @Test
    void aMissingIpv6TableCountsNothing() throws Exception {
        Path tcp = Files.writeString(dir.resolve("tcp"), TCP);

        TcpConnections counts = TcpStates.procNetTcp(tcp, dir.resolve("tcp6")).count("db-1", AT);

        assertThat(counts.total()).isEqualTo(7);
        assertThat(counts.listen()).isEqualTo(2);
    }

    @Test
    void readsTablesLargerThanItsFirstBuffer() throws Exception {
        StringBuilder text = new StringBuilder(TCP.lines().findFirst().orElseThrow()).append('\n');
        String line = TCP.lines().skip(3).findFirst().orElseThrow(); // an ESTABLISHED line
        int lines = 5000; // about 750 KB, several times the first buffer
        for (int i = 0; i < lines; i++) {
            text.append(line).append('\n');
        }
        Path tcp = Files.writeString(dir.resolve("tcp"), text);

        TcpConnections counts = TcpStates.procNetTcp(tcp).count("h", AT);

        assertThat(counts.established()).isEqualTo(lines);
        assertThat(counts.total()).isEqualTo(lines);
    }

    @Test
    void ignoresLinesWithoutAState() {
        byte[] text = "header\n\n   0: 00000000:07E8\n   1: a b 0A c\n".getBytes(StandardCharsets.US_ASCII);
        int[] counts = new int[13];

        TcpStates.countProcNetTcp(text, text.length, counts);

        assertThat(counts[10]).isEqualTo(1);
        assertThat(java.util.Arrays.stream(counts).sum()).isEqualTo(1);
    }
}
