package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Every item of a paged list (SPEC §7: {@code limit}, {@code offset}, {@code get_metadata.total}), fetched a
 * page at a time and handed on as it arrives. Items are told apart by id, so one that moves to a later page
 * while we read (a newer item pushed it down) is handed on once. While it works, a progress line on stderr
 * says how far it got, but only when stderr is a terminal, so pipes and logs stay clean.
 */
final class Pages {
    static final int PAGE_SIZE = 100;

    private final ApiClient client;
    private final Terminal terminal;

    Pages(ApiClient client, Terminal terminal) {
        this.client = client;
        this.terminal = terminal;
    }

    /**
     * @param path the list's path with its filters, without limit and offset
     * @return how many items were handed on
     */
    int each(String path, int startOffset, String collection, String idField, Consumer<JsonNode> item) {
        Set<String> seen = new HashSet<>();
        String sep = path.contains("?") ? "&" : "?";
        int offset = startOffset;
        boolean progress = terminal.errIsTerminal();
        try {
            while (true) {
                JsonNode page = client.call("GET", path + sep + "limit=" + PAGE_SIZE + "&offset=" + offset, null);
                JsonNode items = page.path(collection);
                for (JsonNode i : items) {
                    if (seen.add(i.path(idField).asText())) {
                        item.accept(i);
                    }
                }
                long total = page.path("get_metadata").path("total").asLong(-1);
                if (progress) {
                    terminal.err().print("\r\033[2K" + collection + ": " + seen.size() + (total < 0 ? "" : " of " + Math.max(0, total - startOffset)));
                    terminal.err().flush();
                }
                offset += items.size();
                if (items.size() < PAGE_SIZE || total >= 0 && offset >= total) {
                    return seen.size();
                }
            }
        } finally {
            if (progress) {
                terminal.err().print("\r\033[2K");
                terminal.err().flush();
            }
        }
    }
}
