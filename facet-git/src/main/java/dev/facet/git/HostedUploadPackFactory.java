package dev.facet.git;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;
import org.eclipse.jgit.transport.resolver.UploadPackFactory;

/** Serves clones and fetches from a repository on this instance's disk, counting each for metrics. */
public final class HostedUploadPackFactory implements UploadPackFactory<HttpServletRequest> {
    private final GitOperationObserver observer;

    public HostedUploadPackFactory(GitOperationObserver observer) {
        this.observer = observer;
    }

    @Override
    public UploadPack create(HttpServletRequest request, Repository repository) throws ServiceNotAuthorizedException {
        if (!(request.getAttribute(GitRequestAttributes.REPOSITORY_ID) instanceof Long repositoryId)) {
            throw new ServiceNotAuthorizedException();
        }
        UploadPack uploadPack = new UploadPack(repository);
        uploadPack.setRefFilter(refs -> {
            java.util.Map<String, org.eclipse.jgit.lib.Ref> visible = new java.util.HashMap<>(refs);
            visible.keySet().removeIf(KeptRefs::isKept);
            return visible;
        });
        // The client asks for protocol v2 in this header; without passing it on JGit answers in v0.
        String protocol = request.getHeader("Git-Protocol");
        if (protocol != null) {
            uploadPack.setExtraParameters(Arrays.asList(protocol.split(":")));
        }
        uploadPack.setPostUploadHook(stats -> observer.onUpload(repositoryId, stats.getHaves() == 0,
                stats.getTotalBytes()));
        return uploadPack;
    }
}
