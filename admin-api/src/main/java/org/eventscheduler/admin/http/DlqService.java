package org.eventscheduler.admin.http;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.List;
import org.eventscheduler.admin.query.DlqEntry;
import org.eventscheduler.admin.query.DlqReader;

/** {@code GET /admin/dlq?limit=&reason=&source=&since=}: the newest dead-lettered records, decoded; read-only. */
final class DlqService implements HttpService {
    private final DlqReader reader;
    private final Duration timeout;

    DlqService(DlqReader reader, Duration timeout) {
        this.reader = reader;
        this.timeout = timeout;
    }

    /** The records found, newest first. */
    record DlqPage(int count, List<DlqEntry> records) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::newest);
    }

    private void newest(ServerRequest request, ServerResponse response) {
        DlqReader.Filter filter = new DlqReader.Filter(Requests.intQuery(request, "limit", 20, 1, 500),
                Requests.textQuery(request, "reason"), Requests.textQuery(request, "source"),
                Requests.instantQuery(request, "since"));
        List<DlqEntry> records = reader.newest(filter, timeout);
        response.send(new DlqPage(records.size(), records));
    }
}
