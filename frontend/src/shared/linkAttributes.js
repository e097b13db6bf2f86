/** Attributes of every link in a message: a new tab that gets no reference to this page and passes no ranking. */
export const LINK_ATTRIBUTES = Object.freeze({ target: '_blank', rel: 'noopener noreferrer nofollow' })
