-- F01 Cash payment above the limit (rules-catalogue.md, B): a payment made
-- in cash of more than 1,000 yuan (100,000 fen) must have been a transfer.
-- A hit: one payment with method 'cash' and amount > 100,000 fen, of any
-- status but 'rejected' (a pending cash payment is flagged before it is made).
-- Subjects: the payment.
-- Simplifications: none.
SELECT id AS hit, 'payments' AS dataset, id AS id
FROM payments
WHERE method = 'cash' AND amount > 100000 AND (status IS NULL OR status <> 'rejected')
ORDER BY 1, 2, 3;
