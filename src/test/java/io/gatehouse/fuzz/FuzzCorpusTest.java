package io.gatehouse.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every known-bad input in src/test/resources/fuzz/corpus.txt, byte for byte, on every run. */
class FuzzCorpusTest {
    private static final Pattern REPEAT = Pattern.compile("\\{A\\*(\\d+)}");

    static Stream<Arguments> corpus() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        try (InputStream in = FuzzCorpusTest.class.getResourceAsStream("/fuzz/corpus.txt")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (!line.isBlank() && !line.startsWith("#")) {
                    cases.add(Arguments.of(i + 1, line));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "corpus.txt line {0}")
    @MethodSource("corpus")
    void keeps_the_property(int lineNumber, String line) {
        FuzzTarget t = FuzzTarget.shared();
        boolean admin = line.startsWith("admin ");
        byte[] request = bytes(admin ? line.substring(6) : line, t);
        t.check(admin ? t.adminPort() : t.port(), request);
    }

    /** The line's escapes and placeholders resolved into the bytes to send. */
    static byte[] bytes(String line, FuzzTarget t) {
        Matcher m = REPEAT.matcher(line.replace("{TOKEN}", t.accessToken).replace("{KEY}", t.apiKey)
                .replace("{BASIC}", t.basic).replace("{CLIENT}", t.clientId).replace("{PUBLIC}", t.publicClientId));
        StringBuilder expanded = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(expanded, "A".repeat(Integer.parseInt(m.group(1))));
        }
        m.appendTail(expanded);
        byte[] raw = unescape(expanded.toString());
        int bodyStart = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        int length = bodyStart < 0 ? 0 : raw.length - bodyStart - 4;
        // {LEN} sits in the head, so replacing it leaves the body's length as counted.
        return new String(raw, StandardCharsets.ISO_8859_1).replace("{LEN}", Integer.toString(length))
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < utf8.length; i++) {
            byte b = utf8[i];
            if (b == '\\' && i + 1 < utf8.length) {
                char next = (char) utf8[i + 1];
                switch (next) {
                    case 'r' -> { out.write('\r'); i++; }
                    case 'n' -> { out.write('\n'); i++; }
                    case 't' -> { out.write('\t'); i++; }
                    case '\\' -> { out.write('\\'); i++; }
                    case 'x' -> {
                        out.write(Integer.parseInt(new String(utf8, i + 2, 2, StandardCharsets.ISO_8859_1), 16));
                        i += 3;
                    }
                    default -> out.write(b);
                }
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
