package dev.facet.git;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.EOFException;
import java.io.IOException;
import java.util.zip.ZipException;
import org.eclipse.jgit.errors.PackProtocolException;
import org.eclipse.jgit.http.server.GitSmartHttpTools;
import org.eclipse.jgit.http.server.UploadPackErrorHandler;
import org.eclipse.jgit.transport.ServiceMayNotContinueException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a failed upload-pack is answered. A body that is not Git protocol (garbage instead of
 * pkt-lines, a broken gzip stream, a request cut short) is the client's mistake and gets 400 with
 * the reason; only a failure on this side is a 500, logged here.
 */
public final class UploadPackErrors implements UploadPackErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(UploadPackErrors.class);

    @Override
    public void upload(HttpServletRequest request, HttpServletResponse response, UploadPackRunnable uploadPack)
            throws IOException {
        try {
            uploadPack.upload();
        } catch (ServiceMayNotContinueException e) {
            if (e.isOutput()) {
                response.getOutputStream().close();
            } else {
                answer(request, response, e.getStatusCode(), e.getMessage());
            }
        } catch (IOException e) {
            if (isClientMistake(e)) {
                answer(request, response, 400, "The request is not valid Git protocol: " + e.getMessage());
            } else {
                log.error("upload-pack for {} failed", request.getPathInfo(), e);
                answer(request, response, 500, null);
            }
        } catch (RuntimeException e) {
            log.error("upload-pack for {} failed", request.getPathInfo(), e);
            answer(request, response, 500, null);
        }
    }

    static boolean isClientMistake(IOException failure) {
        return failure instanceof PackProtocolException || failure instanceof ZipException
                || failure instanceof EOFException
                || (failure.getMessage() != null && failure.getMessage().startsWith("Invalid packet line header"));
    }

    private static void answer(HttpServletRequest request, HttpServletResponse response, int status, String message)
            throws IOException {
        if (!response.isCommitted()) {
            response.reset();
            GitSmartHttpTools.sendError(request, response, status, message);
        }
    }
}
