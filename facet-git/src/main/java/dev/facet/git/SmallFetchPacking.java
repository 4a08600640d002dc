package dev.facet.git;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.eclipse.jgit.attributes.AttributesNodeProvider;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.StoredObjectRepresentationNotAvailableException;
import org.eclipse.jgit.internal.storage.pack.CachedPack;
import org.eclipse.jgit.internal.storage.pack.ObjectReuseAsIs;
import org.eclipse.jgit.internal.storage.pack.ObjectToPack;
import org.eclipse.jgit.internal.storage.pack.PackOutputStream;
import org.eclipse.jgit.internal.storage.pack.PackWriter;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.BitmapIndex;
import org.eclipse.jgit.lib.ObjectDatabase;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.RefDatabase;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PreUploadHook;
import org.eclipse.jgit.transport.UploadPack;

/**
 * Packs small incremental fetches without the reachability bitmap. JGit's {@link UploadPack} turns bitmaps on for
 * every fetch, and with them PackWriter walks every commit newer than the last bitmapped one, trees included, on
 * both the wanted and the had side: for a client a few commits behind, that walk was most of a fetch's server CPU,
 * while a plain walk of wants minus haves touches only the commits the client lacks. So before packing,
 * {@link #onSendPack} counts those commits, giving up past {@link #PLAIN_WALK_MAX_COMMITS}; when the count stays
 * under it, the upload's reader hides its bitmap index from PackWriter. Clones (no haves) keep the bitmap.
 *
 * <p>The upload must read through {@link #servable}: UploadPack takes its reader from its repository and offers no
 * other way in, and PackWriter reuses stored objects and deltas only from a reader that implements
 * {@link ObjectReuseAsIs}, which the reader here does by handing every call to JGit's own.
 */
final class SmallFetchPacking implements PreUploadHook {
    /**
     * Past this many commits to send, the bitmap is used. A plain walk costs per commit sent, the bitmap walk per
     * commit newer than the last bitmap (a mirror's sync adds up to hundreds between repacks); at 200 commits behind
     * the benchmark measured the two within its noise of each other, and a clone or a fetch from far behind gains
     * most from the bitmap.
     */
    static final int PLAIN_WALK_MAX_COMMITS = 500;

    static final SmallFetchPacking HOOK = new SmallFetchPacking();

    private SmallFetchPacking() {
    }

    /** A view of {@code served} for one upload, whose readers can hide the bitmap; closing it closes nothing. */
    static Repository servable(Repository served) {
        return new BitmapHidingRepository(served);
    }

    @Override
    public void onBeginNegotiateRound(UploadPack up, Collection<? extends ObjectId> wants, int cntOffered) {
        // Nothing to decide before the pack is known.
    }

    @Override
    public void onEndNegotiateRound(UploadPack up, Collection<? extends ObjectId> wants, int cntCommon,
                                    int cntNotFound, boolean ready) {
        // Nothing to decide before the pack is known.
    }

    @Override
    public void onSendPack(UploadPack up, Collection<? extends ObjectId> wants, Collection<? extends ObjectId> haves) {
        if (haves.isEmpty() || !(up.getRevWalk().getObjectReader() instanceof BitmapHidingReader reader)) {
            return;
        }
        try {
            if (fewCommitsToSend(reader, wants, haves)) {
                reader.hideBitmap();
            }
        } catch (IOException e) {
            // The count is only an estimate of cost; PackWriter meets the same objects and reports them properly.
        }
    }

    private static boolean fewCommitsToSend(ObjectReader reader, Collection<? extends ObjectId> wants,
                                            Collection<? extends ObjectId> haves) throws IOException {
        try (RevWalk walk = new RevWalk(reader)) {
            walk.setRetainBody(false);
            for (ObjectId want : wants) {
                RevObject wanted = walk.peel(walk.parseAny(want));
                if (!(wanted instanceof RevCommit commit)) {
                    // A wanted tree or blob has no commits to count; the bitmap decides what comes with it.
                    return false;
                }
                walk.markStart(commit);
            }
            for (ObjectId have : haves) {
                try {
                    if (walk.peel(walk.parseAny(have)) instanceof RevCommit commit) {
                        walk.markUninteresting(commit);
                    }
                } catch (MissingObjectException e) {
                    // Only objects this repository holds are common; one gone meanwhile just counts for nothing.
                }
            }
            int commits = 0;
            while (walk.next() != null) {
                if (++commits > PLAIN_WALK_MAX_COMMITS) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final class BitmapHidingRepository extends Repository {
        private final Repository served;

        BitmapHidingRepository(Repository served) {
            super(new FileRepositoryBuilder().setGitDir(served.getDirectory()).setFS(served.getFS()));
            this.served = served;
        }

        @Override
        public ObjectReader newObjectReader() {
            ObjectReader reader = served.newObjectReader();
            return reader instanceof ObjectReuseAsIs ? new BitmapHidingReader(reader) : reader;
        }

        @Override
        public void create(boolean bare) {
            throw new UnsupportedOperationException("An upload's view of a repository cannot create one.");
        }

        @Override
        public String getIdentifier() {
            return served.getIdentifier();
        }

        @Override
        public ObjectDatabase getObjectDatabase() {
            return served.getObjectDatabase();
        }

        @Override
        public RefDatabase getRefDatabase() {
            return served.getRefDatabase();
        }

        @Override
        public StoredConfig getConfig() {
            return served.getConfig();
        }

        @Override
        public AttributesNodeProvider createAttributesNodeProvider() {
            return served.createAttributesNodeProvider();
        }

        @Override
        public void scanForRepoChanges() throws IOException {
            served.scanForRepoChanges();
        }

        @Override
        public void notifyIndexChanged(boolean internal) {
            served.notifyIndexChanged(internal);
        }

        @Override
        protected void doClose() {
            // The served repository belongs to whoever opened it (the repository cache); this view owns nothing.
        }

        @Override
        public String toString() {
            return served.toString();
        }
    }

    /** JGit's reader with the bitmap index hidden once {@link #hideBitmap} is called; everything else is JGit's. */
    private static final class BitmapHidingReader extends ObjectReader.Filter implements ObjectReuseAsIs {
        private final ObjectReader reader;
        private final ObjectReuseAsIs reuse;
        private volatile boolean bitmapHidden;

        BitmapHidingReader(ObjectReader reader) {
            this.reader = reader;
            this.reuse = (ObjectReuseAsIs) reader;
        }

        void hideBitmap() {
            bitmapHidden = true;
        }

        @Override
        protected ObjectReader delegate() {
            return reader;
        }

        @Override
        public BitmapIndex getBitmapIndex() throws IOException {
            return bitmapHidden ? null : reader.getBitmapIndex();
        }

        @Override
        public int getStreamFileThreshold() {
            return reader.getStreamFileThreshold();
        }

        @Override
        public void setStreamFileThreshold(int threshold) {
            reader.setStreamFileThreshold(threshold);
        }

        @Override
        public ObjectToPack newObjectToPack(AnyObjectId objectId, int type) {
            return reuse.newObjectToPack(objectId, type);
        }

        @Override
        public void selectObjectRepresentation(PackWriter packer, ProgressMonitor monitor,
                                               Iterable<ObjectToPack> objects) throws IOException {
            reuse.selectObjectRepresentation(packer, monitor, objects);
        }

        @Override
        public void writeObjects(PackOutputStream out, List<ObjectToPack> list) throws IOException {
            reuse.writeObjects(out, list);
        }

        @Override
        public void copyObjectAsIs(PackOutputStream out, ObjectToPack otp, boolean validate)
                throws IOException, StoredObjectRepresentationNotAvailableException {
            reuse.copyObjectAsIs(out, otp, validate);
        }

        @Override
        public void copyPackAsIs(PackOutputStream out, CachedPack pack) throws IOException {
            reuse.copyPackAsIs(out, pack);
        }

        @Override
        public Collection<CachedPack> getCachedPacksAndUpdate(BitmapIndex.BitmapBuilder needBitmap)
                throws IOException {
            return reuse.getCachedPacksAndUpdate(needBitmap);
        }
    }
}
