-- A back-office operation settled as "not processed" because the gateway showed nothing within
-- the grace window is still watched for one more window: a request held up on the way may land
-- after all, and the payment's amounts must then follow the gateway's.
ALTER TABLE operations ADD COLUMN watch_until BIGINT;
