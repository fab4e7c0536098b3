package dev.asof.gateway.server.avatica;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.remote.LocalService;

/**
 * Avatica's {@link LocalService} over {@link AsofMeta}, plus <em>compact executes</em> for the
 * asof JDBC driver.
 *
 * <p>Avatica's protocol repeats a prepared statement's signature (all result column metadata, the
 * SQL text, the parameters) in every execute request and every execute response; for a wide
 * feature lookup that is kilobytes each way and most of the round trip's work. The asof driver,
 * once it knows it talks to a gateway, sends execute requests whose statement handle carries no
 * signature (the gateway knows statements by id, and {@link AsofMeta#execute} never reads it). Such
 * a client kept the signature it got at prepare time, so when the result's signature is exactly
 * that one ({@link AsofMeta#isPreparedSignature}), the response leaves it out and the driver puts
 * it back. Every other response is Avatica's, unchanged: a request that carries the signature (any
 * stock Avatica client does) always gets one back, as does a result whose columns differ from the
 * prepared ones.
 */
final class AsofService extends LocalService {
    private final AsofMeta meta;

    AsofService(AsofMeta meta) {
        super(meta);
        this.meta = meta;
    }

    @Override
    public ExecuteResponse apply(ExecuteRequest request) {
        ExecuteResponse response = super.apply(request);
        if (request.statementHandle.signature != null || response.missingStatement || response.results == null) {
            return response;
        }
        List<ResultSetResponse> results = new ArrayList<>(response.results.size());
        boolean changed = false;
        for (ResultSetResponse r : response.results) {
            if (r.updateCount == -1 && meta.isPreparedSignature(r.connectionId, r.statementId, r.signature)) {
                results.add(new ResultSetResponse(r.connectionId, r.statementId, r.ownStatement, null, r.firstFrame,
                        r.updateCount, r.rpcMetadata));
                changed = true;
            } else {
                results.add(r);
            }
        }
        return changed ? new ExecuteResponse(results, false, response.rpcMetadata) : response;
    }
}
