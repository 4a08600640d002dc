-- What a repository's administrators say about it, in Bitbucket's terms: a description, and whether forks are allowed.
ALTER TABLE repositories ADD COLUMN description VARCHAR(1000);
ALTER TABLE repositories ADD COLUMN forkable BOOLEAN DEFAULT TRUE NOT NULL;
