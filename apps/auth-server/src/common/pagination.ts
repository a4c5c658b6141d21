/** The admin lists' paging moved to #operability (the resource server's audit list pages the same way); kept here for the auth server's imports. */
export * from '#operability/pagination';
